#include "shard/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/text.hpp"
#include "history/series.hpp"

namespace velo::shard {

namespace {

struct ShardInfo {
  std::int64_t index = 0, count = 0, total = 0;
};

// The "shard" setting `velo run --shard` wrote, read without trusting its shape.
Expected<std::optional<ShardInfo>> shard_info(const NamedReport& shard) {
  const nlohmann::json& s = shard.report.request.shard;
  if (s.is_null()) return std::optional<ShardInfo>{};
  auto integer = [&](const char* key) -> std::optional<std::int64_t> {
    if (!s.is_object() || !s.contains(key) || !s[key].is_number_integer()) return std::nullopt;
    return s[key].get<std::int64_t>();
  };
  const auto index = integer("index"), count = integer("count"), total = integer("total_cases");
  if (!index || !count || !total || *count < 1 || *index < 1 || *index > *count || *total < 0) {
    return make_error("settings.shard: expected {\"index\": I, \"count\": N, \"total_cases\": T} with 1 <= I <= N",
                      {shard.path});
  }
  return std::optional<ShardInfo>{ShardInfo{*index, *count, *total}};
}

std::string build_identity(const report::Report& r) {
  return fmt::format("{} | velo {} | commit {}", history::build_key(r.environment), r.provenance.velo_commit,
                     r.provenance.git_commit.value_or("-"));
}

}  // namespace

Expected<report::Report> merge(const std::vector<NamedReport>& shards, bool force) {
  if (shards.empty()) return make_error("velo merge: expected at least one report");
  const NamedReport& first = shards.front();
  for (const NamedReport& shard : shards) {
    if (shard.report.pairing) {
      return make_error("a report of a paired run (--baseline-velo); merging paired reports is not supported",
                        {shard.path});
    }
    if (force) continue;
    const std::string machine = history::machine_key(shard.report.environment);
    if (machine != history::machine_key(first.report.environment)) {
      return make_error(fmt::format("measured on another machine ({}) than {} ({}); --force merges anyway", machine,
                                    first.path, history::machine_key(first.report.environment)),
                        {shard.path});
    }
    if (build_identity(shard.report) != build_identity(first.report)) {
      return make_error(fmt::format("measured with another build ({}) than {} ({}); --force merges anyway",
                                    build_identity(shard.report), first.path, build_identity(first.report)),
                        {shard.path});
    }
  }

  // Coverage: the shard settings, when present, must be one complete split.
  std::vector<std::optional<ShardInfo>> infos;
  for (const NamedReport& shard : shards) {
    auto info = shard_info(shard);
    if (!info.ok()) return info.error();
    infos.push_back(*info);
  }
  const bool any = std::any_of(infos.begin(), infos.end(), [](const auto& i) { return i.has_value(); });
  std::int64_t expected_total = -1;
  if (any) {
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < shards.size(); ++i) {
      if (!infos[i]) {
        return make_error("not a shard (no settings.shard), but the other reports are; merge shards of one split",
                          {shards[i].path});
      }
      if (infos[i]->count != infos[0]->count || infos[i]->total != infos[0]->total) {
        return make_error(fmt::format("shard {}/{} of {} cases does not belong to the split of {} ({}/{} of {} cases)",
                                      infos[i]->index, infos[i]->count, infos[i]->total, shards[0].path,
                                      infos[0]->index, infos[0]->count, infos[0]->total),
                          {shards[i].path});
      }
      if (!seen.insert(infos[i]->index).second) {
        return make_error(fmt::format("shard {}/{} is given twice", infos[i]->index, infos[i]->count),
                          {shards[i].path});
      }
    }
    if (static_cast<std::int64_t>(seen.size()) != infos[0]->count) {
      std::vector<std::string> missing;
      for (std::int64_t k = 1; k <= infos[0]->count; ++k) {
        if (!seen.count(k)) missing.push_back(fmt::format("{}/{}", k, infos[0]->count));
      }
      return make_error(fmt::format("velo merge: shard(s) {} missing", join(missing, ", ")));
    }
    expected_total = infos[0]->total;
  }

  report::Report merged = first.report;
  merged.cases.clear();
  merged.scenarios.clear();
  merged.notes.clear();
  merged.complete = true;
  std::map<std::string, std::string> case_owner;  // case id -> file
  std::map<std::string, std::string> scenario_hash;
  for (const NamedReport& shard : shards) {
    const auto& r = shard.report;
    merged.started_at = std::min(merged.started_at, r.started_at);
    merged.finished_at = std::max(merged.finished_at, r.finished_at);
    merged.complete = merged.complete && r.complete;
    for (const auto& s : r.scenarios) {
      const auto [it, inserted] = scenario_hash.emplace(s.path, s.content_hash);
      if (inserted) merged.scenarios.push_back(s);
      else if (it->second != s.content_hash && !force) {
        return make_error(fmt::format("scenario {} differs from the other shards' ({} vs {}); --force merges anyway",
                                      s.path, s.content_hash, it->second),
                          {shard.path});
      }
    }
    for (const auto& c : r.cases) {
      const auto [it, inserted] = case_owner.emplace(c.spec.id, shard.path);
      if (!inserted) {
        return make_error(fmt::format("case {} is also in {}: shards must not overlap", c.spec.id, it->second),
                          {shard.path});
      }
      merged.cases.push_back(c);
    }
    for (const auto& note : r.notes) {
      if (std::find(merged.notes.begin(), merged.notes.end(), note) == merged.notes.end()) merged.notes.push_back(note);
    }
  }
  if (expected_total >= 0 && static_cast<std::int64_t>(merged.cases.size()) != expected_total) {
    return make_error(fmt::format("velo merge: the shards hold {} cases, but the suite they were split from has {}",
                                  merged.cases.size(), expected_total));
  }
  // Cases in the order of their scenarios, as an unsharded run lists them.
  std::map<std::string, std::size_t> scenario_rank;
  for (const auto& s : merged.scenarios) scenario_rank.emplace(s.name, scenario_rank.size());
  std::stable_sort(merged.cases.begin(), merged.cases.end(), [&](const auto& a, const auto& b) {
    return scenario_rank[a.spec.scenario] < scenario_rank[b.spec.scenario];
  });
  merged.request.shard = nullptr;
  merged.request.merged_shards = static_cast<int>(shards.size());
  return merged;
}

}  // namespace velo::shard
