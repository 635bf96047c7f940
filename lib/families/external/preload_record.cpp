#include "families/external/preload_record.hpp"

#include <charconv>

#include <fmt/format.h>

namespace velo::preload {

std::string write_record(const ProcessRecord& r) {
  std::string out = "velo-preload-record 1\n";
  out += fmt::format("process {} {}\n", r.pid, r.ppid);
  out += fmt::format("counting {}\n", r.counting ? 1 : 0);
  out += fmt::format("go {}\n", r.go ? 1 : 0);
  out += fmt::format("totals {} {} {}\n", r.allocations, r.bytes, r.frees);
  out += fmt::format("gbench {}\n", r.gbench ? 1 : 0);
  for (const Bracket& b : r.brackets) out += fmt::format("bracket {} {} {}\n", b.iterations, b.allocations, b.bytes);
  if (r.profiled) {
    out += fmt::format("profile {} {} {} {} {} {}\n", r.profile.samples, r.profile.overruns,
                       r.profile.lost_buffer_full, r.profile.lost_unwind, r.profile.threads, r.profile.sampled_seconds);
  }
  out += "end\n";
  return out;
}

namespace {

// The words of one line, read left to right; every failure names the line.
class Words {
 public:
  Words(std::string_view line, std::string_view file, int number) : rest_(line), file_(file), number_(number) {}

  std::string_view next() {
    while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
    const std::size_t end = std::min(rest_.find(' '), rest_.size());
    std::string_view word = rest_.substr(0, end);
    rest_.remove_prefix(end);
    return word;
  }

  template <typename T>
  bool number(T& out) {
    const std::string_view word = next();
    if (word.empty()) return false;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), out);
    return ec == std::errc() && end == word.data() + word.size();
  }

  bool flag(bool& out) {
    int value = 0;
    if (!number(value) || (value != 0 && value != 1)) return false;
    out = value == 1;
    return true;
  }

  bool at_end() { return next().empty(); }

  Error error(std::string_view expected) const {
    return make_error(fmt::format("{}", expected), {.file = std::string(file_), .line = number_, .column = 1});
  }

 private:
  std::string_view rest_;
  std::string_view file_;
  int number_;
};

}  // namespace

Expected<ProcessRecord> parse_record(std::string_view text, std::string_view file_name) {
  ProcessRecord r;
  int number = 0;
  bool header = false, ended = false;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    if (eol == std::string_view::npos) {
      return make_error("the record ends without a line break (a partly written file)",
                        {.file = std::string(file_name), .line = number + 1, .column = 1});
    }
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    ++number;
    Words words(line, file_name, number);
    if (ended) return words.error("nothing may follow 'end'");
    const std::string_view key = words.next();
    bool ok = true;
    if (!header) {
      int version = 0;
      if (key != "velo-preload-record" || !words.number(version) || version != 1 || !words.at_end()) {
        return words.error("expected the header 'velo-preload-record 1'");
      }
      header = true;
      continue;
    }
    if (key == "process") {
      ok = words.number(r.pid) && words.number(r.ppid);
    } else if (key == "counting") {
      ok = words.flag(r.counting);
    } else if (key == "go") {
      ok = words.flag(r.go);
    } else if (key == "totals") {
      ok = words.number(r.allocations) && words.number(r.bytes) && words.number(r.frees);
    } else if (key == "gbench") {
      ok = words.flag(r.gbench);
    } else if (key == "bracket") {
      Bracket b;
      ok = words.number(b.iterations) && b.iterations >= 0 && words.number(b.allocations) && words.number(b.bytes);
      r.brackets.push_back(b);
    } else if (key == "profile") {
      r.profiled = true;
      ok = words.number(r.profile.samples) && words.number(r.profile.overruns) &&
           words.number(r.profile.lost_buffer_full) && words.number(r.profile.lost_unwind) &&
           words.number(r.profile.threads) && words.number(r.profile.sampled_seconds) &&
           r.profile.sampled_seconds >= 0;
    } else if (key == "end") {
      ended = true;
    } else {
      return words.error(fmt::format("unknown line '{}': expected process, counting, go, totals, gbench, bracket, "
                                     "profile or end", key));
    }
    if (!ok || !words.at_end()) return words.error(fmt::format("malformed '{}' line", key));
  }
  if (!header) return make_error("the record is empty", {.file = std::string(file_name), .line = 1, .column = 1});
  if (!ended) {
    return make_error("the record has no 'end' line (a partly written file)",
                      {.file = std::string(file_name), .line = number, .column = 1});
  }
  return r;
}

}  // namespace velo::preload
