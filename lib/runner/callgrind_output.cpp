#include "runner/callgrind_output.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/count_metric.hpp"

namespace velo {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    s = trim(s);
    if (s.empty()) return out;
    const auto end = s.find_first_of(" \t");
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) return out;
    s.remove_prefix(end);
  }
}

}  // namespace

std::optional<std::uint64_t> CallgrindDump::total(std::string_view event) const {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i] == event) return totals[i];
  }
  return std::nullopt;
}

std::string CallgrindDump::valgrind_version() const {
  const auto dash = creator.rfind('-');
  return dash == std::string::npos ? std::string() : creator.substr(dash + 1);
}

Expected<CallgrindDump> parse_callgrind_dump(std::string_view text, const std::string& source) {
  CallgrindDump dump;
  std::optional<std::vector<std::uint64_t>> summary, totals;
  int line_number = 0;
  auto error = [&](std::string message) { return make_error(std::move(message), {source, line_number, 0}); };
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // a cost line or a blank one: the body
    const std::string_view key = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "creator") {
      dump.creator = std::string(value);
    } else if (key == "desc") {
      dump.descriptions.emplace_back(value);
    } else if (key == "events") {
      if (!dump.events.empty()) return error("a second 'events:' line; expected one per dump");
      for (auto word : words(value)) dump.events.emplace_back(word);
      if (dump.events.empty()) return error("'events:' names no event");
    } else if (key == "summary" || key == "totals") {
      if (dump.events.empty()) return error(fmt::format("'{}:' before 'events:'", key));
      std::vector<std::uint64_t> counts;
      for (auto word : words(value)) {
        std::uint64_t n = 0;
        const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
        if (ec != std::errc() || ptr != word.data() + word.size()) {
          return error(fmt::format("'{}:' holds '{}'; expected non-negative integer counts", key, word));
        }
        counts.push_back(n);
      }
      if (counts.size() > dump.events.size()) {
        return error(fmt::format("'{}:' has {} counts for {} events", key, counts.size(), dump.events.size()));
      }
      counts.resize(dump.events.size(), 0);  // omitted trailing counts are zero
      (key == "summary" ? summary : totals) = std::move(counts);
    }
  }
  if (dump.events.empty()) {
    return make_error("no 'events:' line: not a callgrind output file", {source, 0, 0});
  }
  if (!summary && !totals) return make_error("no 'summary:' or 'totals:' line: the dump is incomplete", {source, 0, 0});
  dump.totals = summary ? std::move(*summary) : std::move(*totals);
  return dump;
}

Expected<std::vector<CountPerOp>> counts_per_op(const CallgrindDump& dump, std::int64_t ops) {
  if (ops < 1) return make_error(fmt::format("{} operations: expected at least 1", ops));
  const auto ir = dump.total("Ir");
  if (!ir) return make_error("the dump has no 'Ir' (instructions) event");
  const double n = static_cast<double>(ops);
  auto per_op = [&](std::uint64_t count) { return static_cast<double>(count) / n; };
  std::vector<CountPerOp> out{{metrics::instructions_per_op, per_op(*ir)}};

  const auto dr = dump.total("Dr"), dw = dump.total("Dw");
  const auto i1 = dump.total("I1mr"), d1r = dump.total("D1mr"), d1w = dump.total("D1mw");
  const auto ilr = dump.total("ILmr"), dlr = dump.total("DLmr"), dlw = dump.total("DLmw");
  if (dr && dw && i1 && d1r && d1w && ilr && dlr && dlw) {
    const std::uint64_t accesses = *ir + *dr + *dw;
    const std::uint64_t l1_misses = *i1 + *d1r + *d1w;
    const std::uint64_t ram_hits = *ilr + *dlr + *dlw;
    if (l1_misses > accesses || ram_hits > l1_misses) {
      return make_error(fmt::format("inconsistent cache counts: {} accesses, {} L1 misses, {} LL misses", accesses,
                                    l1_misses, ram_hits));
    }
    const std::uint64_t ll_hits = l1_misses - ram_hits;
    const std::uint64_t l1_hits = accesses - l1_misses;
    out.push_back({metrics::sim_l1i_misses_per_op, per_op(*i1)});
    out.push_back({metrics::sim_l1d_misses_per_op, per_op(*d1r + *d1w)});
    out.push_back({metrics::sim_ll_misses_per_op, per_op(ram_hits)});
    out.push_back({metrics::est_cycles_per_op, per_op(l1_hits + 5 * ll_hits + 35 * ram_hits)});
  }
  const auto bcm = dump.total("Bcm"), bim = dump.total("Bim");
  if (bcm && bim) out.push_back({metrics::sim_branch_misses_per_op, per_op(*bcm + *bim)});
  return out;
}

}  // namespace velo
