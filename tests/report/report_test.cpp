// The JSON report: round trip of every field (parameter types included), summaries
// recomputed on read, every parse error message, the schema's required fields, and
// the example report shipped in reports/.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "report/report.hpp"
#include "sample_report.hpp"

namespace {

using nlohmann::json;
using velo::report::CaseStatus;
using velo::report::Report;

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(VELO_SOURCE_ROOT) + "/" + relative, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses `text` and returns the error's describe() text ("" when it parsed).
std::string parse_error_of(const std::string& text) {
  auto parsed = velo::report::parse_report(text, "report.json");
  return parsed ? std::string() : parsed.error().describe();
}

// The sample report as JSON, changed by `edit`, then parsed: the error message.
std::string error_after(const std::function<void(json&)>& edit) {
  json doc = json::parse(velo::report::to_json_text(velo::testing::sample_report()));
  edit(doc);
  return parse_error_of(doc.dump());
}

}  // namespace

TEST_CASE("case status names", "[report]") {
  for (CaseStatus s : {CaseStatus::ok, CaseStatus::skipped, CaseStatus::failed, CaseStatus::timeout}) {
    CHECK(velo::report::parse_case_status(velo::report::to_string(s)) == s);
  }
  CHECK(velo::report::to_string(CaseStatus::timeout) == "timeout");
  CHECK_FALSE(velo::report::parse_case_status("OK").has_value());
  CHECK_FALSE(velo::report::parse_case_status("").has_value());
}

TEST_CASE("find_metric", "[report]") {
  const Report report = velo::testing::sample_report();
  const auto& atomic = report.cases.front();
  REQUIRE(atomic.find_metric("ops_per_s") != nullptr);
  CHECK(atomic.find_metric("ops_per_s")->spec.better == velo::Better::higher);
  CHECK(atomic.find_metric("p99_latency_ns") == nullptr);
}

TEST_CASE("a report survives a round trip through JSON unchanged", "[report]") {
  const Report original = velo::testing::sample_report();
  const std::string text = velo::report::to_json_text(original);
  auto parsed = velo::report::parse_report(text, "report.json");
  REQUIRE(parsed.ok());
  const Report& back = *parsed;

  // Serialising again gives the same bytes: key order is stable and nothing is lost.
  CHECK(velo::report::to_json_text(back) == text);

  CHECK(back.schema_version == velo::report::kSchemaVersion);
  CHECK(back.started_at == original.started_at);
  CHECK(back.complete == false);
  CHECK(back.provenance.git_commit == original.provenance.git_commit);
  CHECK(back.provenance.git_dirty == std::optional<bool>(false));
  CHECK(back.environment == original.environment);
  CHECK_FALSE(back.environment.governor.has_value());
  CHECK(back.request == original.request);
  REQUIRE(back.scenarios.size() == original.scenarios.size());
  CHECK(back.scenarios[1].gate == original.scenarios[1].gate);
  CHECK(back.scenarios[0].gate.is_null());
  CHECK(back.notes == original.notes);

  REQUIRE(back.cases.size() == original.cases.size());
  for (std::size_t i = 0; i < back.cases.size(); ++i) {
    const auto& a = original.cases[i];
    const auto& b = back.cases[i];
    INFO(a.spec.id);
    CHECK(b.spec.id == a.spec.id);
    CHECK(b.spec.scenario == a.spec.scenario);
    CHECK(b.spec.family == a.spec.family);
    CHECK(b.spec.variant == a.spec.variant);
    CHECK(b.spec.impl == a.spec.impl);
    CHECK(b.spec.baseline == a.spec.baseline);
    CHECK(b.spec.group == a.spec.group);
    CHECK(b.spec.params == a.spec.params);  // variant alternatives compared too
    CHECK(b.spec.settings == a.spec.settings);
    CHECK(b.spec.skip_reason == a.spec.skip_reason);
    CHECK(b.status == a.status);
    CHECK(b.reason == a.reason);
    CHECK(b.details == a.details);
    CHECK(b.peak_rss_bytes == a.peak_rss_bytes);
    CHECK(b.wall_seconds == a.wall_seconds);
    REQUIRE(b.metrics.size() == a.metrics.size());
    for (std::size_t m = 0; m < b.metrics.size(); ++m) {
      CHECK(b.metrics[m].spec.name == a.metrics[m].spec.name);  // order kept
      CHECK(b.metrics[m].spec.unit == a.metrics[m].spec.unit);
      CHECK(b.metrics[m].spec.better == a.metrics[m].spec.better);
      CHECK(b.metrics[m].spec.doc == a.metrics[m].spec.doc);
      CHECK(b.metrics[m].samples == a.metrics[m].samples);  // bit-exact doubles
      CHECK(b.metrics[m].summary.median == a.metrics[m].summary.median);
      CHECK(b.metrics[m].summary.ci.level == a.metrics[m].summary.ci.level);
    }
  }
}

TEST_CASE("bytes that are not UTF-8 are replaced, not fatal", "[report]") {
  Report report = velo::testing::sample_report();
  report.cases[4].reason = "worker stderr: \xff\xfe garbage";
  const std::string text = velo::report::to_json_text(report);
  auto parsed = velo::report::parse_report(text, "report.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->cases[4].reason == "worker stderr: \xEF\xBF\xBD\xEF\xBF\xBD garbage");
}

TEST_CASE("parameter values keep their JSON types", "[report]") {
  const std::string text = velo::report::to_json_text(velo::testing::sample_report());
  CHECK(text.find("\"ratio\": 2.0") != std::string::npos);
  auto parsed = velo::report::parse_report(text, "report.json");
  REQUIRE(parsed.ok());
  const auto& mailbox = parsed->cases[9];
  REQUIRE(mailbox.spec.family == "mailbox");
  const auto& values = mailbox.spec.params.values();
  CHECK(std::holds_alternative<std::int64_t>(values.at("producers")));
  CHECK(std::holds_alternative<double>(values.at("ratio")));
  CHECK(std::holds_alternative<bool>(values.at("pinned")));
  CHECK(std::holds_alternative<std::string>(values.at("wait")));

  // A large unsigned value that still fits int64 is an integer.
  json doc = json::parse(text);
  doc["cases"][0]["params"]["threads"] = std::uint64_t{9'000'000'000'000'000'000ULL};
  auto big = velo::report::parse_report(doc.dump(), "report.json");
  REQUIRE(big.ok());
  CHECK(big->cases[0].spec.params.integer("threads") == 9'000'000'000'000'000'000LL);
}

TEST_CASE("summaries are recomputed from samples, never trusted", "[report]") {
  json doc = json::parse(velo::report::to_json_text(velo::testing::sample_report()));
  json& metric = doc["cases"][0]["metrics"]["ns_per_op"];
  metric["samples"] = {3.0, 1.0, 2.0};
  metric["summary"]["median"] = 999.0;
  metric["summary"]["n"] = 42;
  metric.erase("summary");  // absent is fine too: it is derived data
  auto parsed = velo::report::parse_report(doc.dump(), "report.json");
  REQUIRE(parsed.ok());
  const auto* ns = parsed->cases[0].find_metric("ns_per_op");
  REQUIRE(ns != nullptr);
  CHECK(ns->summary.n == 3);
  CHECK(ns->summary.median == 2.0);
  CHECK(ns->summary.min == 1.0);

  doc["cases"][0]["metrics"]["ns_per_op"]["summary"] = {{"median", 999.0}};
  parsed = velo::report::parse_report(doc.dump(), "report.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->cases[0].find_metric("ns_per_op")->summary.median == 2.0);
}

TEST_CASE("unknown keys are ignored (additive changes keep the version)", "[report]") {
  json doc = json::parse(velo::report::to_json_text(velo::testing::sample_report()));
  doc["future_field"] = {1, 2};
  doc["cases"][0]["future_case_field"] = "x";
  CHECK(parse_error_of(doc.dump()).empty());
}

TEST_CASE("parse errors name the file, the JSON path and what was expected", "[report]") {
  using Edit = std::function<void(json&)>;
  const std::pair<Edit, std::string> cases[] = {
      {[](json& d) { d["cases"][3]["status"] = "boom"; },
       R"(report.json: cases[3].status: expected one of ok|skipped|failed|timeout, got "boom")"},
      {[](json& d) { d.erase("schema_version"); },
       "report.json: schema_version: missing; expected an integer"},
      {[](json& d) { d["schema_version"] = "1"; },
       R"(report.json: schema_version: expected an integer >= 1, got "1")"},
      {[](json& d) { d["schema_version"] = 0; },
       "report.json: schema_version: expected an integer >= 1, got 0"},
      {[](json& d) { d["schema_version"] = 2; },
       "report.json: schema_version: this report has schema version 2, newer than the 1 this "
       "velo reads; use a newer velo"},
      {[](json& d) { d = json::array(); },
       "report.json: expected a velo report (a JSON object), got an array"},
      {[](json& d) { d.erase("started_at"); },
       "report.json: started_at: missing; expected a string"},
      {[](json& d) { d["complete"] = "yes"; },
       R"(report.json: complete: expected true or false, got "yes")"},
      {[](json& d) { d["pairing"] = {{"run_id", "0123456789abcdef"}, {"role", "left"}}; },
       R"(report.json: pairing.role: expected "base" or "head", got "left")"},
      {[](json& d) { d["pairing"] = {{"role", "head"}}; },
       "report.json: pairing.run_id: missing; expected a string"},
      {[](json& d) { d["provenance"] = nullptr; },
       "report.json: provenance: expected an object, got null"},
      {[](json& d) { d["provenance"]["git_dirty"] = 1; },
       "report.json: provenance.git_dirty: expected true, false or null, got 1"},
      {[](json& d) { d["provenance"]["git_commit"] = 7; },
       "report.json: provenance.git_commit: expected a string or null, got 7"},
      {[](json& d) { d["environment"]["logical_cpus"] = -1; },
       "report.json: environment.logical_cpus: expected an integer in [0, 2147483647], got -1"},
      {[](json& d) { d["environment"]["caches"][1] = 3; },
       "report.json: environment.caches[1]: expected an object, got 3"},
      {[](json& d) { d["environment"]["caches"][0]["size_bytes"] = 1.5; },
       "report.json: environment.caches[0].size_bytes: expected an integer >= 0, got 1.5"},
      {[](json& d) { d["settings"] = json::array(); },
       "report.json: settings: expected an object, got an array"},
      {[](json& d) { d["scenarios"][1]["gate"] = "strict"; },
       R"(report.json: scenarios[1].gate: expected an object or null, got "strict")"},
      {[](json& d) { d["scenarios"][0].erase("content_hash"); },
       "report.json: scenarios[0].content_hash: missing; expected a string"},
      {[](json& d) { d["cases"] = json::object(); },
       "report.json: cases: expected an array, got an object"},
      {[](json& d) { d["cases"][2] = "atomic"; },
       R"(report.json: cases[2]: expected an object, got "atomic")"},
      {[](json& d) { d["cases"][1].erase("id"); },
       "report.json: cases[1].id: missing; expected a string"},
      {[](json& d) { d["cases"][0]["baseline"] = nullptr; },
       "report.json: cases[0].baseline: expected true or false, got null"},
      {[](json& d) { d["cases"][0]["params"]["threads"] = {1, 2}; },
       "report.json: cases[0].params.threads: expected an integer, number, boolean or string, "
       "got an array"},
      {[](json& d) { d["cases"][0]["run"]["repetitions"] = -3; },
       "report.json: cases[0].run.repetitions: expected an integer in [0, 2147483647], got -3"},
      {[](json& d) { d["cases"][0]["run"]["min_time_s"] = "100ms"; },
       R"(report.json: cases[0].run.min_time_s: expected a finite number, got "100ms")"},
      {[](json& d) { d["cases"][0]["skip_reason"] = false; },
       "report.json: cases[0].skip_reason: expected a string or null, got false"},
      {[](json& d) { d["cases"][0]["metrics"] = json::array(); },
       "report.json: cases[0].metrics: expected an object, got an array"},
      {[](json& d) { d["cases"][0]["metrics"]["ns_per_op"] = 12.5; },
       "report.json: cases[0].metrics.ns_per_op: expected an object, got 12.5"},
      {[](json& d) { d["cases"][0]["metrics"]["ns_per_op"]["better"] = "up"; },
       R"(report.json: cases[0].metrics.ns_per_op.better: expected one of lower|higher, got "up")"},
      {[](json& d) { d["cases"][0]["metrics"]["ops_per_s"].erase("unit"); },
       "report.json: cases[0].metrics.ops_per_s.unit: missing; expected a string"},
      {[](json& d) { d["cases"][0]["metrics"]["ns_per_op"]["samples"][1] = "fast"; },
       R"(report.json: cases[0].metrics.ns_per_op.samples[1]: expected a finite number, got "fast")"},
      {[](json& d) { d["cases"][0]["metrics"]["ns_per_op"]["samples"] = 3; },
       "report.json: cases[0].metrics.ns_per_op.samples: expected an array, got 3"},
      {[](json& d) { d["cases"][0]["details"] = "layout"; },
       R"(report.json: cases[0].details: expected an object, got "layout")"},
      {[](json& d) { d["cases"][0]["peak_rss_bytes"] = 1.5; },
       "report.json: cases[0].peak_rss_bytes: expected an integer or null, got 1.5"},
      {[](json& d) { d["cases"][0]["wall_seconds"] = nullptr; },
       "report.json: cases[0].wall_seconds: expected a finite number, got null"},
      {[](json& d) { d["notes"][0] = 5; },
       "report.json: notes[0]: expected a string, got 5"},
      {[](json& d) { d["cases"][4]["reason"] = std::string(100, 'x'); d["cases"][4]["status"] = std::string(60, 'y'); },
       R"(report.json: cases[4].status: expected one of ok|skipped|failed|timeout, got "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...)"},
  };
  for (const auto& [edit, expected] : cases) {
    CHECK(error_after(edit) == expected);
  }
}

TEST_CASE("the first error is the one reported", "[report]") {
  CHECK(error_after([](json& d) {
          d["cases"][1]["status"] = "boom";
          d["cases"][2]["status"] = "bang";
          d["notes"] = 1;
        }) == R"(report.json: cases[1].status: expected one of ok|skipped|failed|timeout, got "boom")");
}

TEST_CASE("JSON syntax errors give line and column", "[report]") {
  auto error = velo::report::parse_report("{\n  \"schema_version\": 1,\n  oops\n}\n", "r.json");
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().where.file == "r.json");
  CHECK(error.error().where.line == 3);
  CHECK(error.error().where.column == 3);
  CHECK(error.error().describe() ==
        "r.json:3:3: invalid JSON: syntax error while parsing object key - invalid literal; "
        "last read: '1,<U+000A>  o'; expected string literal");

  auto truncated = velo::report::parse_report("{\"schema_version\": 1,\n \"cases\": [", "r.json");
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().where.line == 2);
  CHECK(truncated.error().where.column == 12);
  CHECK(truncated.error().describe().rfind("r.json:2:12: invalid JSON: syntax error", 0) == 0);

  auto empty = velo::report::parse_report("", "r.json");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().where.line == 1);
  CHECK(empty.error().where.column == 1);
  CHECK(empty.error().describe().rfind("r.json:1:1: invalid JSON: ", 0) == 0);
}

TEST_CASE("a number too large for a double is an error, not infinity", "[report]") {
  std::string text = velo::report::to_json_text(velo::testing::sample_report());
  const std::string first_sample = "\"samples\": [\n            12.4,";
  const auto at = text.find(first_sample);
  REQUIRE(at != std::string::npos);
  text.replace(at, first_sample.size(), "\"samples\": [\n            1e999,");
  CHECK(parse_error_of(text) == "report.json: invalid JSON: number overflow parsing '1e999'");
}

TEST_CASE("read_report_file names the file it could not read", "[report]") {
  auto missing = velo::report::read_report_file("/nonexistent/velo/report.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().describe() ==
        "/nonexistent/velo/report.json: no such report");
}

TEST_CASE("the example report parses and is what velo writes", "[report]") {
  const std::string written = velo::report::to_json_text(velo::testing::example_report());
  if (std::getenv("VELO_UPDATE_GOLDEN")) {
    std::ofstream(std::string(VELO_SOURCE_ROOT) + "/tests/data/report/example.json") << written;
    std::ofstream(std::string(VELO_SOURCE_ROOT) + "/reports/example-report.json") << written;
  }
  const std::string example = read_source_file("tests/data/report/example.json");
  CHECK(read_source_file("reports/example-report.json") == example);
  auto parsed = velo::report::read_report_file(std::string(VELO_SOURCE_ROOT) +
                                               "/tests/data/report/example.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->cases.size() == 3);
  // Byte-identical re-serialisation: the example is kept in step with the format.
  CHECK(velo::report::to_json_text(*parsed) == example);
  CHECK(written == example);
}

namespace {

// Walks the schema next to a report: every "required" key must be present, and
// (so SPEC and schema stay complete) every key velo writes must be declared.
void check_against_schema(const json& schema, const json& root_schema, const json& value,
                          const std::string& path) {
  const json* node = &schema;
  if (node->contains("$ref")) {
    const std::string ref = (*node)["$ref"];
    REQUIRE(ref.rfind("#/$defs/", 0) == 0);
    node = &root_schema["$defs"][ref.substr(8)];
  }
  if (value.is_object()) {
    for (const auto& key : node->value("required", json::array())) {
      INFO(path);
      CHECK(value.contains(key.get<std::string>()));
    }
    for (const auto& [key, child] : value.items()) {
      const std::string child_path = path + "." + key;
      if (node->contains("properties") && (*node)["properties"].contains(key)) {
        check_against_schema((*node)["properties"][key], root_schema, child, child_path);
      } else if (node->contains("additionalProperties") && (*node)["additionalProperties"].is_object()) {
        check_against_schema((*node)["additionalProperties"], root_schema, child, child_path);
      } else {
        INFO(child_path << " is written but not declared in reports/schema.json");
        CHECK(node->value("additionalProperties", json(false)) == json(true));
      }
    }
  } else if (value.is_array() && node->contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      check_against_schema((*node)["items"], root_schema, value[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace

TEST_CASE("what velo writes has every field the schema requires", "[report]") {
  const json schema = json::parse(read_source_file("reports/schema.json"));
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema["properties"]["schema_version"]["maximum"] == velo::report::kSchemaVersion);
  const json written = json::parse(velo::report::to_json_text(velo::testing::sample_report()));
  check_against_schema(schema, schema, written, "$");
  check_against_schema(schema, schema, json::parse(read_source_file("tests/data/report/example.json")), "$");
}

TEST_CASE("the pairing of a paired run survives a round trip and matches the schema", "[report]") {
  Report paired = velo::testing::sample_report();
  CHECK(json::parse(velo::report::to_json_text(paired)).count("pairing") == 0);  // unpaired: absent
  paired.pairing = velo::report::Pairing{"0123456789abcdef", "base"};
  const std::string text = velo::report::to_json_text(paired);
  auto parsed = velo::report::parse_report(text, "report.json");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->pairing.has_value());
  CHECK(parsed->pairing->run_id == "0123456789abcdef");
  CHECK(parsed->pairing->role == "base");
  CHECK(velo::report::to_json_text(*parsed) == text);
  const json schema = json::parse(read_source_file("reports/schema.json"));
  check_against_schema(schema, schema, json::parse(text), "$");
}

namespace {

void collect_properties(const json& node, std::set<std::string>& names) {
  if (node.is_object()) {
    if (node.contains("properties")) {
      for (const auto& [name, child] : node["properties"].items()) names.insert(name);
    }
    for (const auto& [key, child] : node.items()) collect_properties(child, names);
  } else if (node.is_array()) {
    for (const auto& child : node) collect_properties(child, names);
  }
}

}  // namespace

TEST_CASE("SPEC.md documents every field of the schema", "[report]") {
  const json schema = json::parse(read_source_file("reports/schema.json"));
  const std::string spec = read_source_file("reports/SPEC.md");
  std::set<std::string> names;
  collect_properties(schema, names);
  CHECK(names.size() > 50);
  for (const auto& name : names) {
    INFO(name);
    CHECK(spec.find("`" + name + "`") != std::string::npos);
  }
}
