#include "runner/progress.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "core/text.hpp"

namespace velo {

Progress::Progress(int total_units, Style style, std::FILE* out) : total_(total_units), style_(style), out_(out) {}

Progress::Style Progress::style_for(std::FILE* out, bool quiet) {
  if (quiet) return Style::quiet;
  return isatty(fileno(out)) ? Style::terminal : Style::lines;
}

std::string case_outcome_text(const report::CaseResult& result) {
  if (result.status != report::CaseStatus::ok) {
    return fmt::format("{}: {}", report::to_string(result.status), result.reason);
  }
  const auto* metric = result.find_metric(metrics::ns_per_op);
  if (!metric) return "ok";
  const auto& s = metric->summary;
  const double half = std::max(s.median - s.ci.low, s.ci.high - s.median);
  return fmt::format("ok  {} ns/op ±{}%{}", format_significant(s.median),
                     format_significant(s.median > 0 ? 100 * half / s.median : 0, 2),
                     s.cv > stats::kUnstableCv ? "  (unstable)" : "");
}

double Progress::eta_seconds() const {
  if (measured_done_ == 0) return -1;
  return measured_seconds_ / measured_done_ * (total_ - index_);
}

void Progress::start_case(int index, const std::string& label) {
  index_ = index;
  current_ = label;
  case_started_ = Clock::now();
  if (style_ == Style::terminal) draw();
}

void Progress::tick() {
  if (style_ == Style::terminal) draw();
}

namespace {

// Columns of the terminal `out` is, or 0 when unknown.
std::size_t terminal_columns(std::FILE* out) {
  winsize size{};
  if (::ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

// The first `columns` characters of UTF-8 `text` (one column per code point): a
// redrawn line must never wrap, or "\r" returns to its second half.
std::string fit_columns(const std::string& text, std::size_t columns) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (count++ == columns) return text.substr(0, i);
  }
  return text;
}

}  // namespace

std::string progress_bar(int done, int total, int width) {
  const int filled = total > 0 ? std::clamp(done * width / total, 0, width) : 0;
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.') +
         "]";
}

void Progress::draw() {
  const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  const double eta = eta_seconds();
  // Like hyperfine's: a bar, unit i of N, elapsed and ETA first, the case last (it is
  // what gets cut when the terminal is narrow).
  std::string line = fmt::format("{} {}/{}  elapsed {}{}  {}", progress_bar(index_, total_, 20), index_ + 1, total_,
                                 format_duration(elapsed), eta >= 0 ? fmt::format("  ETA {}", format_duration(eta)) : "",
                                 current_);
  if (const std::size_t columns = terminal_columns(out_); columns > 1) line = fit_columns(line, columns - 1);
  fmt::print(out_, "\r\033[K{}", line);
  std::fflush(out_);
  line_open_ = true;
}

void Progress::finish_case(const report::CaseResult& result, bool case_done) {
  const double seconds = std::chrono::duration<double>(Clock::now() - case_started_).count();
  if (result.status != report::CaseStatus::skipped) {
    ++measured_done_;
    measured_seconds_ += seconds;
  }
  if (style_ == Style::quiet || !case_done) return;
  if (style_ == Style::terminal) {
    // Failures stay visible above the progress line; successes only update it.
    if (result.status == report::CaseStatus::failed || result.status == report::CaseStatus::timeout) {
      fmt::print(out_, "\r\033[K{}  {}\n", result.spec.id, case_outcome_text(result));
      line_open_ = false;
    }
    return;
  }
  // A forked case's time is all its workers', not only the last one's.
  const double case_seconds = result.spec.settings.forks > 1 && result.wall_seconds > 0 ? result.wall_seconds : seconds;
  fmt::print(out_, "[{}/{}] {}  {}  ({})\n", index_ + 1, total_, result.spec.id, case_outcome_text(result),
             format_duration(case_seconds));
  std::fflush(out_);
}

void Progress::finish_round(int round, int rounds) {
  if (style_ != Style::lines) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  fmt::print(out_, "round {}/{} of forks done ({} of {} workers, elapsed {})\n", round + 1, rounds, index_ + 1, total_,
             format_duration(elapsed));
  std::fflush(out_);
}

void Progress::finish() {
  if (style_ == Style::terminal && line_open_) {
    fmt::print(out_, "\r\033[K");
    std::fflush(out_);
  }
  line_open_ = false;
}

}  // namespace velo
