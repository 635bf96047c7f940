// Reading and writing the JSON report (format: reports/SPEC.md, reports/schema.json).
//
// Writing uses nlohmann::ordered_json so keys come out in the order the spec lists
// them, the same for every run: reports diff cleanly. Reading is strict about what
// the spec requires (each error names the JSON path and what was expected), ignores
// keys it does not know (additive changes keep the schema version, so a newer velo
// of the same version may add fields) and recomputes every summary from its samples.
#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "core/input_file.hpp"
#include "report/json_reader.hpp"
#include "stats/overlap.hpp"

namespace velo::report {

std::string_view to_string(CaseStatus status) {
  switch (status) {
    case CaseStatus::ok: return "ok";
    case CaseStatus::skipped: return "skipped";
    case CaseStatus::failed: return "failed";
    case CaseStatus::timeout: return "timeout";
  }
  return "ok";
}

std::optional<CaseStatus> parse_case_status(std::string_view text) {
  for (CaseStatus status :
       {CaseStatus::ok, CaseStatus::skipped, CaseStatus::failed, CaseStatus::timeout}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

const MetricResult* CaseResult::find_metric(std::string_view name) const {
  for (const auto& metric : metrics) {
    if (metric.spec.name == name) return &metric;
  }
  return nullptr;
}

bool CaseResult::threads_apart() const {
  const MetricResult* overlap = find_metric(metrics::overlap_pct);
  return overlap && overlap->summary.n > 0 && overlap->summary.median < stats::kMinOverlapPct;
}

bool CaseResult::forks_disagree() const {
  const auto spread = details.find("fork_spread");
  if (spread == details.end() || !spread->is_object()) return false;
  const auto disagree = spread->find("disagree");
  return disagree != spread->end() && disagree->is_boolean() && disagree->get<bool>();
}

// ---------------------------------------------------------------------------
// Writing

namespace {

template <typename T>
ojson or_null(const std::optional<T>& value) {
  return value ? ojson(*value) : ojson(nullptr);
}

ojson to_ojson(const nlohmann::json& value) { return ojson(value); }

ojson params_to_json(const Params& params) {
  ojson out = ojson::object();
  for (const auto& [key, value] : params.values()) {
    const std::string& name = key;  // clang 14 (the fuzz build) cannot capture a structured binding
    std::visit([&out, &name](const auto& v) { out[name] = v; }, value);
  }
  return out;
}

ojson summary_to_json(const stats::Summary& s) {
  return ojson{{"n", s.n},           {"median", s.median},   {"mean", s.mean},
               {"stddev", s.stddev}, {"cv", s.cv},           {"min", s.min},
               {"max", s.max},       {"ci_low", s.ci.low},   {"ci_high", s.ci.high},
               {"ci_level", s.ci.level}};
}

ojson metric_to_json(const MetricResult& metric) {
  return ojson{{"unit", metric.spec.unit},
               {"better", to_string(metric.spec.better)},
               {"doc", metric.spec.doc},
               {"samples", metric.samples},
               {"summary", summary_to_json(metric.summary)}};
}

ojson case_to_json(const CaseResult& result) {
  const Case& spec = result.spec;
  ojson metrics = ojson::object();
  for (const auto& metric : result.metrics) metrics[metric.spec.name] = metric_to_json(metric);
  ojson out{
      {"id", spec.id},
      {"scenario", spec.scenario},
      {"family", spec.family},
      {"variant", spec.variant},
      {"impl", spec.impl},
      {"baseline", spec.baseline},
      {"group", spec.group},
      {"params", params_to_json(spec.params)},
      {"run",
       {{"repetitions", spec.settings.repetitions},
        {"forks", spec.settings.forks},
        {"min_time_s", spec.settings.min_time_s},
        {"warmup_s", spec.settings.warmup_s},
        {"timeout_s", spec.settings.timeout_s},
        {"pin_threads", spec.settings.pin_threads}}},
      {"skip_reason", or_null(spec.skip_reason)},
      {"status", to_string(result.status)},
      {"reason", result.reason},
      {"metrics", std::move(metrics)},
      {"details", to_ojson(result.details)},
      {"peak_rss_bytes", or_null(result.peak_rss_bytes)},
      {"wall_seconds", result.wall_seconds},
  };
  if (spec.settings.measure.deterministic()) out["run"]["measure"] = to_ojson(measure_settings_to_json(spec.settings.measure));
  if (result.partial) out["partial"] = true;
  return out;
}

ojson environment_to_json(const Environment& env) {
  ojson caches = ojson::array();
  for (const auto& cache : env.caches) {
    caches.push_back({{"level", cache.level},
                      {"type", cache.type},
                      {"size_bytes", cache.size_bytes},
                      {"line_bytes", cache.line_bytes}});
  }
  return ojson{{"hostname", env.hostname},
               {"os", env.os},
               {"kernel", env.kernel},
               {"arch", env.arch},
               {"cpu_model", env.cpu_model},
               {"logical_cpus", env.logical_cpus},
               {"caches", std::move(caches)},
               {"governor", or_null(env.governor)},
               {"compiler", env.compiler},
               {"compiler_flags", env.compiler_flags},
               {"build_type", env.build_type},
               {"libc", env.libc}};
}

}  // namespace

std::string to_json_text(const Report& report) {
  ojson scenarios = ojson::array();
  for (const auto& scenario : report.scenarios) {
    scenarios.push_back({{"path", scenario.path},
                         {"name", scenario.name},
                         {"family", scenario.family},
                         {"content_hash", scenario.content_hash},
                         {"gate", to_ojson(scenario.gate)}});
  }
  ojson cases = ojson::array();
  for (const auto& result : report.cases) cases.push_back(case_to_json(result));

  const Provenance& p = report.provenance;
  ojson root{
      {"schema_version", report.schema_version},
      {"started_at", report.started_at},
      {"finished_at", report.finished_at},
      {"complete", report.complete},
      {"provenance",
       {{"velo_version", p.velo_version},
        {"velo_commit", p.velo_commit},
        {"directory", p.directory},
        {"git_commit", or_null(p.git_commit)},
        {"git_dirty", or_null(p.git_dirty)}}},
      {"environment", environment_to_json(report.environment)},
      {"settings", run_request_to_json(report.request)},
      {"scenarios", std::move(scenarios)},
      {"cases", std::move(cases)},
      {"notes", report.notes},
  };
  if (report.pairing) {
    root["pairing"] = ojson{{"run_id", report.pairing->run_id}, {"role", report.pairing->role}};
  }
  // Reasons and notes can carry a crashed worker's stderr: bytes that are not valid
  // UTF-8 become U+FFFD instead of making the whole report unwritable.
  return root.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

// ---------------------------------------------------------------------------
// Reading

namespace {

int narrow(std::int64_t value) { return static_cast<int>(value); }
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

Params read_params(JsonReader& in, const ojson& object, const std::string& path) {
  Params params;
  for (const auto& [name, value] : object.items()) {
    const std::string where = child_path(path, name);
    if (value.is_boolean()) {
      params.set(name, value.get<bool>());
    } else if (value.is_string()) {
      params.set(name, value.get<std::string>());
    } else if (value.is_number_float()) {
      params.set(name, value.get<double>());
    } else if (const auto integer = JsonReader::as_integer(value)) {
      params.set(name, *integer);
    } else {
      in.fail_expected(where, "an integer, number, boolean or string", value);
    }
  }
  return params;
}

std::optional<Better> parse_better(std::string_view text) {
  if (text == "lower") return Better::lower;
  if (text == "higher") return Better::higher;
  return std::nullopt;
}

MetricResult read_metric(JsonReader& in, const std::string& name, const ojson& object,
                         const std::string& path) {
  MetricResult metric;
  metric.spec.name = name;
  if (!object.is_object()) {
    in.fail_expected(path, "an object", object);
    return metric;
  }
  metric.spec.unit = in.string(object, path, "unit");
  const std::string better = in.string(object, path, "better");
  if (const auto parsed = parse_better(better)) {
    metric.spec.better = *parsed;
  } else {
    in.fail_expected(child_path(path, "better"), "one of lower|higher", ojson(better));
  }
  metric.spec.doc = in.string(object, path, "doc");
  if (const ojson* samples = in.array(object, path, "samples")) {
    const std::string samples_path = child_path(path, "samples");
    for (std::size_t i = 0; i < samples->size(); ++i) {
      metric.samples.push_back(in.number((*samples)[i], index_path(samples_path, i)));
    }
  }
  // The stored "summary" is derived data: recomputed here, never trusted.
  metric.summary = stats::summarize(metric.samples);
  return metric;
}

CaseResult read_case(JsonReader& in, const ojson& object, const std::string& path) {
  CaseResult result;
  if (!object.is_object()) {
    in.fail_expected(path, "an object", object);
    return result;
  }
  Case& spec = result.spec;
  spec.id = in.string(object, path, "id");
  spec.scenario = in.string(object, path, "scenario");
  spec.family = in.string(object, path, "family");
  spec.variant = in.string(object, path, "variant");
  spec.impl = in.string(object, path, "impl");
  spec.baseline = in.boolean(object, path, "baseline");
  spec.group = in.string(object, path, "group");
  if (const ojson* params = in.object(object, path, "params")) {
    spec.params = read_params(in, *params, child_path(path, "params"));
  }
  if (const ojson* run = in.object(object, path, "run")) {
    const std::string run_path = child_path(path, "run");
    spec.settings.repetitions = narrow(in.integer(*run, run_path, "repetitions", 0, kIntMax));
    // Reports written before forks existed ran every repetition in one process.
    if (run->contains("forks")) spec.settings.forks = narrow(in.integer(*run, run_path, "forks", 1, kIntMax));
    spec.settings.min_time_s = in.number(*run, run_path, "min_time_s");
    spec.settings.warmup_s = in.number(*run, run_path, "warmup_s");
    spec.settings.timeout_s = in.number(*run, run_path, "timeout_s");
    // Reports written before pinning existed never pinned.
    if (run->contains("pin_threads")) spec.settings.pin_threads = in.boolean(*run, run_path, "pin_threads");
    // Absent: measured in time, as every report before the deterministic modes.
    if (const auto measure = run->find("measure"); measure != run->end()) {
      if (auto error = measure_settings_from_json(nlohmann::json(*measure), spec.settings.measure)) {
        in.fail_expected(child_path(run_path, "measure"), *error, *measure);
      }
    }
  }
  spec.skip_reason = in.optional_string(object, path, "skip_reason");

  const std::string status = in.string(object, path, "status");
  if (const auto parsed = parse_case_status(status)) {
    result.status = *parsed;
  } else {
    in.fail_expected(child_path(path, "status"), "one of ok|skipped|failed|timeout", ojson(status));
  }
  result.reason = in.string(object, path, "reason");
  if (const ojson* metrics = in.object(object, path, "metrics")) {
    const std::string metrics_path = child_path(path, "metrics");
    for (const auto& [name, metric] : metrics->items()) {
      result.metrics.push_back(read_metric(in, name, metric, child_path(metrics_path, name)));
    }
  }
  if (const ojson* details = in.object(object, path, "details")) {
    result.details = nlohmann::json(*details);
  }
  result.peak_rss_bytes = in.optional_integer(object, path, "peak_rss_bytes");
  result.wall_seconds = in.number(object, path, "wall_seconds");
  if (object.contains("partial")) result.partial = in.optional_boolean(object, path, "partial").value_or(false);
  return result;
}

Environment read_environment(JsonReader& in, const ojson& object, const std::string& path) {
  Environment env;
  env.hostname = in.string(object, path, "hostname");
  env.os = in.string(object, path, "os");
  env.kernel = in.string(object, path, "kernel");
  env.arch = in.string(object, path, "arch");
  env.cpu_model = in.string(object, path, "cpu_model");
  env.logical_cpus = narrow(in.integer(object, path, "logical_cpus", 0, kIntMax));
  if (const ojson* caches = in.array(object, path, "caches")) {
    const std::string caches_path = child_path(path, "caches");
    for (std::size_t i = 0; i < caches->size(); ++i) {
      const ojson& cache = (*caches)[i];
      const std::string where = index_path(caches_path, i);
      if (!cache.is_object()) {
        in.fail_expected(where, "an object", cache);
        break;
      }
      env.caches.push_back({
          .level = narrow(in.integer(cache, where, "level", 0, kIntMax)),
          .type = in.string(cache, where, "type"),
          .size_bytes = in.integer(cache, where, "size_bytes", 0),
          .line_bytes = narrow(in.integer(cache, where, "line_bytes", 0, kIntMax)),
      });
    }
  }
  env.governor = in.optional_string(object, path, "governor");
  env.compiler = in.string(object, path, "compiler");
  env.compiler_flags = in.string(object, path, "compiler_flags");
  env.build_type = in.string(object, path, "build_type");
  env.libc = in.string(object, path, "libc");
  return env;
}

Report read_report(JsonReader& in, const ojson& root) {
  Report report;
  report.started_at = in.string(root, "", "started_at");
  report.finished_at = in.string(root, "", "finished_at");
  report.complete = in.boolean(root, "", "complete");
  if (const ojson* p = in.object(root, "", "provenance")) {
    report.provenance.velo_version = in.string(*p, "provenance", "velo_version");
    report.provenance.velo_commit = in.string(*p, "provenance", "velo_commit");
    report.provenance.directory = in.string(*p, "provenance", "directory");
    report.provenance.git_commit = in.optional_string(*p, "provenance", "git_commit");
    report.provenance.git_dirty = in.optional_boolean(*p, "provenance", "git_dirty");
  }
  if (const ojson* env = in.object(root, "", "environment")) {
    report.environment = read_environment(in, *env, "environment");
  }
  if (const ojson* settings = in.object(root, "", "settings")) {
    report.request = run_request_from_json(*settings, report.read_warnings);
  }
  if (root.contains("pairing")) {  // absent unless the run was paired
    if (const ojson* pairing = in.object(root, "", "pairing")) {
      Pairing read{in.string(*pairing, "pairing", "run_id"), in.string(*pairing, "pairing", "role")};
      if (pairing->contains("role") && read.role != "base" && read.role != "head") {
        in.fail_expected("pairing.role", "\"base\" or \"head\"", pairing->at("role"));
      }
      report.pairing = std::move(read);
    }
  }
  if (const ojson* scenarios = in.array(root, "", "scenarios")) {
    for (std::size_t i = 0; i < scenarios->size(); ++i) {
      const ojson& object = (*scenarios)[i];
      const std::string path = index_path("scenarios", i);
      if (!object.is_object()) {
        in.fail_expected(path, "an object", object);
        break;
      }
      ScenarioRecord record;
      record.path = in.string(object, path, "path");
      record.name = in.string(object, path, "name");
      record.family = in.string(object, path, "family");
      record.content_hash = in.string(object, path, "content_hash");
      if (const ojson* gate = in.field(object, path, "gate", "an object or null")) {
        if (gate->is_object() || gate->is_null()) {
          record.gate = nlohmann::json(*gate);
        } else {
          in.fail_expected(child_path(path, "gate"), "an object or null", *gate);
        }
      }
      report.scenarios.push_back(std::move(record));
    }
  }
  if (const ojson* cases = in.array(root, "", "cases")) {
    for (std::size_t i = 0; i < cases->size() && !in.error(); ++i) {
      report.cases.push_back(read_case(in, (*cases)[i], index_path("cases", i)));
    }
  }
  if (const ojson* notes = in.array(root, "", "notes")) {
    for (std::size_t i = 0; i < notes->size(); ++i) {
      const ojson& note = (*notes)[i];
      if (!note.is_string()) {
        in.fail_expected(index_path("notes", i), "a string", note);
        break;
      }
      report.notes.push_back(note.get<std::string>());
    }
  }
  return report;
}

// The offset of the first '[' or '{' nested deeper than kMaxJsonDepth, found by a
// scan of the text before it is parsed: a hostile report may nest 100,000 levels,
// and the parser (ordered_json copies values as its objects grow), a copy or a
// print of such a value would recurse that deep and overflow the stack.
std::optional<std::size_t> too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// What a well-formed document may still get wrong: a case id twice (which copy
// would compare?), and a case that says ok but carries nothing to compare.
void check_cases(JsonReader& in, const Report& report) {
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < report.cases.size() && !in.error(); ++i) {
    const CaseResult& c = report.cases[i];
    const std::string path = index_path("cases", i);
    if (auto [it, fresh] = first_index.emplace(c.spec.id, i); !fresh) {
      in.fail(child_path(path, "id"), fmt::format("duplicate case id '{}' (also cases[{}]); each case may appear "
                                                  "once in a report",
                                                  c.spec.id, it->second));
    }
    if (c.status != CaseStatus::ok) continue;
    const bool measured = std::any_of(c.metrics.begin(), c.metrics.end(),
                                      [](const MetricResult& m) { return !m.samples.empty(); });
    if (!measured) {
      in.fail(child_path(path, "metrics"), fmt::format("case '{}' has status ok but no samples: an ok case "
                                                       "must carry what was measured",
                                                       c.spec.id));
    }
  }
}

// nlohmann reports a syntax error as a 1-based byte offset; editors want line:column.
SourceLocation location_of_byte(std::string_view text, std::size_t byte, const std::string& source) {
  const std::size_t offset = std::min(byte == 0 ? 0 : byte - 1, text.size());
  const std::string_view before = text.substr(0, offset);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  return SourceLocation{source, static_cast<int>(line), static_cast<int>(offset - line_start + 1)};
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
// -> "syntax error ..." (the location goes in the SourceLocation instead);
// "[json.exception.out_of_range.406] number overflow ..." -> "number overflow ...".
std::string syntax_message(const std::string& what) {
  const auto colon = what.find(": ");
  if (colon != std::string::npos) return what.substr(colon + 2);
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

}  // namespace

Expected<Report> parse_report(std::string_view text, const std::string& source) {
  if (const auto deep = too_deep_at(text)) {
    return make_error(fmt::format("arrays and objects are nested more than {} levels deep; no velo report is",
                                  kMaxJsonDepth),
                      location_of_byte(text, *deep + 1, source));
  }
  ojson root;
  try {
    root = ojson::parse(text);
  } catch (const ojson::parse_error& e) {
    return make_error(fmt::format("invalid JSON: {}", syntax_message(e.what())),
                      location_of_byte(text, e.byte, source));
  } catch (const ojson::out_of_range& e) {  // a number too large for a double: 1e999
    return make_error(fmt::format("invalid JSON: {}", syntax_message(e.what())), {source});
  }
  JsonReader in(source);
  if (!root.is_object()) {
    in.fail_expected("", "a velo report (a JSON object)", root);
    return *in.error();
  }
  // The version decides how to read everything else, so it is checked first.
  const std::int64_t version = in.integer(root, "", "schema_version", 1);
  if (in.error()) return *in.error();
  if (version > kSchemaVersion) {
    in.fail("schema_version", fmt::format("this report has schema version {}, newer than the {} "
                                          "this velo reads; use a newer velo",
                                          version, kSchemaVersion));
    return *in.error();
  }
  Report report = read_report(in, root);
  report.schema_version = static_cast<int>(version);
  if (!in.error()) check_cases(in, report);
  if (in.error()) return *in.error();
  return report;
}

ojson case_result_to_json(const CaseResult& result) { return case_to_json(result); }

Expected<CaseResult> case_result_from_json(const ojson& json, const std::string& source) {
  JsonReader in(source);
  CaseResult result = read_case(in, json, "case");
  if (in.error()) return *in.error();
  return result;
}

Expected<Report> read_report_file(const std::string& path) {
  auto text = read_input_file(path, "report", kMaxDataFileBytes);
  if (!text) return text.error();
  return parse_report(*text, path);
}

}  // namespace velo::report
