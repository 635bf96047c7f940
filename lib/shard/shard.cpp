#include "shard/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

namespace velo::shard {

namespace {

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

Expected<ShardSpec> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  auto bad = [&] {
    return make_error(fmt::format("--shard: expected I/N with 1 <= I <= N <= {} (e.g. 2/4), got '{}'", kMaxShards,
                                  text));
  };
  if (slash == std::string_view::npos) return bad();
  const auto index = parse_int(text.substr(0, slash));
  const auto count = parse_int(text.substr(slash + 1));
  if (!index || !count || *count < 1 || *count > kMaxShards || *index < 1 || *index > *count) return bad();
  return ShardSpec{*index, *count};
}

std::map<std::string, double> durations_of(const report::Report& previous) {
  std::map<std::string, double> out;
  for (const auto& c : previous.cases) {
    if (c.status == report::CaseStatus::ok && c.wall_seconds > 0) out[c.spec.id] = c.wall_seconds;
  }
  return out;
}

std::vector<int> assign(const std::vector<std::string>& ids, const std::map<std::string, double>& durations,
                        int count) {
  std::vector<double> weight(ids.size(), 1.0);
  if (!durations.empty()) {
    double sum = 0;
    for (const auto& [id, seconds] : durations) sum += seconds;
    const double fallback = sum / static_cast<double>(durations.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto it = durations.find(ids[i]);
      weight[i] = it != durations.end() ? it->second : fallback;
    }
  }
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (weight[a] != weight[b]) return weight[a] > weight[b];
    return ids[a] < ids[b];
  });
  std::vector<double> load(static_cast<std::size_t>(count), 0.0);
  std::vector<std::size_t> members(static_cast<std::size_t>(count), 0);
  std::vector<int> shard_of(ids.size(), 0);
  for (std::size_t i : order) {
    std::size_t best = 0;
    for (std::size_t s = 1; s < load.size(); ++s) {
      // Least load; among equal loads, fewest cases (so equal weights deal round-robin).
      if (load[s] < load[best] || (load[s] == load[best] && members[s] < members[best])) best = s;
    }
    load[best] += weight[i];
    ++members[best];
    shard_of[i] = static_cast<int>(best);
  }
  return shard_of;
}

Expected<Selection> select(std::vector<Case> cases, std::string_view shard_text, const std::string& durations_report) {
  auto spec = parse_shard(shard_text);
  if (!spec.ok()) return spec.error();
  std::map<std::string, double> durations;
  if (!durations_report.empty()) {
    auto previous = report::read_report_file(durations_report);
    if (!previous.ok()) return previous.error();
    durations = durations_of(*previous);
  }
  std::vector<std::string> ids;
  for (const Case& c : cases) ids.push_back(c.id);
  const std::vector<int> shard_of = assign(ids, durations, spec->count);
  Selection selection;
  selection.setting = {{"index", spec->index},
                       {"count", spec->count},
                       {"total_cases", cases.size()},
                       {"balanced_by", durations.empty() ? "count" : "durations"}};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (shard_of[i] == spec->index - 1) selection.cases.push_back(std::move(cases[i]));
  }
  return selection;
}

}  // namespace velo::shard
