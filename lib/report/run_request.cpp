#include "report/run_request.hpp"

#include <fmt/format.h>

#include "report/json_reader.hpp"

namespace velo::report {

Overrides RunRequest::overrides() const {
  return {.params = param_overrides,
          .repetitions = repetitions,
          .forks = forks,
          .min_time_s = min_time_s,
          .warmup_s = warmup_s,
          .timeout_s = timeout_s,
          .pin_threads = pin_threads,
          .measure = measure,
          .ops = ops,
          .cache_sim = cache_sim,
          .branch_sim = branch_sim,
          .threaded = threaded};
}

nlohmann::ordered_json run_request_to_json(const RunRequest& request) {
  // nlohmann::json keeps keys sorted: the order reports were always written in.
  nlohmann::json out{{"filter", request.filter}, {"param_overrides", request.param_overrides},
                     {"isolate", request.isolate}};
  if (request.repetitions) out["repetitions"] = *request.repetitions;
  if (request.forks) out["forks"] = *request.forks;
  if (request.pin_threads) out["pin_threads"] = true;
  if (request.min_time_s) out["min_time_s"] = *request.min_time_s;
  if (request.measure) out["measure"] = std::string(to_string(*request.measure));
  if (request.ops) out["ops"] = *request.ops;
  if (request.cache_sim) out["cache_sim"] = true;
  if (request.branch_sim) out["branch_sim"] = true;
  if (request.threaded) out["threaded"] = true;
  if (request.warmup_s) out["warmup_s"] = *request.warmup_s;
  if (request.timeout_s) out["timeout_s"] = *request.timeout_s;
  if (!request.profiles.empty()) {
    nlohmann::json scenarios = nlohmann::json::object();
    for (const auto& [name, profile] : request.profiles) {
      scenarios[name] = {{"mode", profile.mode}, {"hz", profile.hz}, {"thread_root", profile.thread_root}};
    }
    out["profile"] = {{"dir", request.profile_dir}, {"scenarios", std::move(scenarios)}};
  }
  if (request.baseline_velo) out["baseline_velo"] = *request.baseline_velo;
  if (!request.plugins.empty()) out["plugins"] = request.plugins;
  if (!request.baseline_plugins.empty()) out["baseline_plugins"] = request.baseline_plugins;
  if (!request.shard.is_null()) out["shard"] = request.shard;
  if (request.merged_shards) out["merged_shards"] = *request.merged_shards;
  return nlohmann::ordered_json(out);
}

namespace {

using ojson = nlohmann::ordered_json;

// One lenient reader: each read either yields the value or leaves the default and
// says why in `warnings`.
class LenientReader {
 public:
  LenientReader(const ojson& object, std::string path, std::vector<std::string>& warnings)
      : object_(object), path_(std::move(path)), warnings_(warnings) {}

  template <typename T, typename Check>
  void read(std::string_view key, T& into, std::string_view expected, Check is_valid, std::string_view fallback) {
    const auto it = object_.find(key);
    if (it == object_.end()) return;  // absent: the default, silently (older reports)
    if (!is_valid(*it)) {
      warnings_.push_back(fmt::format("{}: expected {}, got {}; using {}", child_path(path_, key), expected,
                                      describe_value(*it), fallback));
      return;
    }
    into = it->template get<T>();
  }

 private:
  const ojson& object_;
  std::string path_;
  std::vector<std::string>& warnings_;
};

bool is_string(const ojson& v) { return v.is_string(); }
bool is_bool(const ojson& v) { return v.is_boolean(); }
bool is_positive(const ojson& v) { return v.is_number() && v.get<double>() > 0; }
bool is_count(const ojson& v) {
  const auto n = JsonReader::as_integer(v);
  return n && *n >= 1 && *n <= kMaxRepetitions;
}
bool is_string_list(const ojson& v) {
  if (!v.is_array()) return false;
  for (const auto& item : v) {
    if (!item.is_string()) return false;
  }
  return true;
}

template <typename T>
void read_optional(LenientReader& in, std::string_view key, std::optional<T>& into, std::string_view expected,
                   bool (*is_valid)(const ojson&), std::string_view fallback) {
  T value{};
  bool seen = false;
  in.read(key, value, expected, [&](const ojson& v) { return seen = is_valid(v); }, fallback);
  if (seen) into = value;
}

ProfileRequest read_profile(const ojson& json, const std::string& path, std::vector<std::string>& warnings) {
  ProfileRequest profile;
  if (!json.is_object()) {
    warnings.push_back(fmt::format("{}: expected an object, got {}; using cpu at 99 Hz", path, describe_value(json)));
    return profile;
  }
  LenientReader in(json, path, warnings);
  in.read("mode", profile.mode, "\"cpu\" or \"wall\"",
          [](const ojson& v) { return v.is_string() && (v == "cpu" || v == "wall"); }, "cpu");
  in.read("hz", profile.hz, "an integer from 1 to 10000",
          [](const ojson& v) {
            const auto n = JsonReader::as_integer(v);
            return n && *n >= 1 && *n <= 10000;
          },
          "99");
  in.read("thread_root", profile.thread_root, "true or false", is_bool, "false");
  return profile;
}

}  // namespace

RunRequest run_request_from_json(const ojson& json, std::vector<std::string>& warnings) {
  RunRequest request;
  if (!json.is_object()) {
    warnings.push_back(fmt::format("settings: expected an object, got {}; using the defaults", describe_value(json)));
    return request;
  }
  static constexpr std::string_view kKnown[] = {"filter",     "param_overrides", "isolate",   "repetitions",
                                                "forks",      "pin_threads",     "min_time_s", "warmup_s",
                                                "timeout_s",  "profile",         "baseline_velo",
                                                "plugins",    "baseline_plugins", "shard",
                                                "merged_shards", "measure",        "ops",
                                                "cache_sim",  "branch_sim",      "threaded"};
  for (const auto& [key, value] : json.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      warnings.push_back(fmt::format("settings.{}: not a setting this velo knows; ignored", key));
    }
  }
  LenientReader in(json, "settings", warnings);
  in.read("filter", request.filter, "a string", is_string, "every case");
  in.read("param_overrides", request.param_overrides, "an array of strings", is_string_list, "none");
  in.read("isolate", request.isolate, "true or false", is_bool, "true");
  in.read("pin_threads", request.pin_threads, "true or false", is_bool, "false");
  read_optional(in, "repetitions", request.repetitions, "an integer from 1 to 100000", is_count,
                "the scenario's value");
  read_optional(in, "forks", request.forks, "an integer from 1 to 100000", is_count, "the scenario's value");
  for (auto [key, target] : {std::pair{"min_time_s", &request.min_time_s}, std::pair{"warmup_s", &request.warmup_s},
                             std::pair{"timeout_s", &request.timeout_s}}) {
    read_optional(in, key, *target, "a positive number of seconds", is_positive, "the scenario's value");
  }
  std::string measure;
  in.read("measure", measure, "\"time\", \"instructions\" or \"counters\"",
          [](const ojson& v) { return v.is_string() && parse_measure_mode(v.get<std::string>()); }, "the scenario's value");
  if (!measure.empty()) request.measure = parse_measure_mode(measure);
  read_optional(in, "ops", request.ops, "an integer from 1 to 1000000000",
                [](const ojson& v) {
                  return v.is_number_integer() && v.get<std::int64_t>() >= 1 && v.get<std::int64_t>() <= kMaxCountedOps;
                },
                "the scenario's value");
  in.read("cache_sim", request.cache_sim, "true or false", is_bool, "false");
  in.read("branch_sim", request.branch_sim, "true or false", is_bool, "false");
  in.read("threaded", request.threaded, "true or false", is_bool, "false");
  in.read("plugins", request.plugins, "an array", [](const ojson& v) { return v.is_array(); }, "none");
  in.read("baseline_plugins", request.baseline_plugins, "an array of strings", is_string_list, "none");
  if (const auto shard = json.find("shard"); shard != json.end()) request.shard = nlohmann::json(*shard);
  read_optional(in, "merged_shards", request.merged_shards, "an integer from 1 to 100000", is_count, "none");
  std::string baseline;
  in.read("baseline_velo", baseline, "a path", is_string, "none");
  if (!baseline.empty()) request.baseline_velo = baseline;
  if (const auto profile = json.find("profile"); profile != json.end() && !profile->is_null()) {
    if (!profile->is_object()) {
      warnings.push_back(fmt::format("settings.profile: expected an object, got {}; ignored", describe_value(*profile)));
    } else {
      LenientReader profile_in(*profile, "settings.profile", warnings);
      profile_in.read("dir", request.profile_dir, "a path", is_string, "none");
      if (const auto scenarios = profile->find("scenarios"); scenarios != profile->end()) {
        if (!scenarios->is_object()) {
          warnings.push_back(fmt::format("settings.profile.scenarios: expected an object, got {}; ignored",
                                         describe_value(*scenarios)));
        } else {
          for (const auto& [name, each] : scenarios->items()) {
            request.profiles[name] = read_profile(each, child_path("settings.profile.scenarios", name), warnings);
          }
        }
      }
    }
  }
  return request;
}

}  // namespace velo::report
