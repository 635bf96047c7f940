// Deterministic synthetic reports shared by the report and export tests. Every
// number is fixed here, so golden files stay byte-identical across machines.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "families/counters/counters.hpp"
#include "families/family.hpp"
#include "report/report.hpp"

namespace velo::testing {

inline MetricSpec runner_spec(std::string_view name) {
  for (const auto& spec : metrics::runner_metrics()) {
    if (spec.name == name) return spec;
  }
  return {};
}

inline report::MetricResult make_metric(MetricSpec spec, std::vector<double> samples) {
  report::MetricResult metric{std::move(spec), std::move(samples), {}};
  metric.summary = stats::summarize(metric.samples);
  return metric;
}

// `reps` samples whose median is exactly `center`, spread by `spread` (0.01 = about
// 1%), in a fixed scrambled order.
inline std::vector<double> samples_around(double center, double spread, int reps = 10) {
  static constexpr double offsets[] = {0, 1, -1, 2, -2, 0.5, -0.5, 1.5, -1.5, 0};
  std::vector<double> out;
  for (int i = 0; i < reps; ++i) out.push_back(center * (1 + spread * offsets[i % 10]));
  return out;
}

// ns_per_op and ops_per_s (derived per sample, as the runner does).
inline std::vector<report::MetricResult> timing(double ns, double spread, int reps = 10) {
  const std::vector<double> ns_samples = samples_around(ns, spread, reps);
  std::vector<double> rate;
  for (double x : ns_samples) rate.push_back(1e9 / x);
  return {make_metric(runner_spec("ns_per_op"), ns_samples),
          make_metric(runner_spec("ops_per_s"), rate)};
}

struct CaseBuilder {
  report::CaseResult result;

  CaseBuilder(std::string scenario, std::string family, std::string variant, std::string impl,
              std::string group, Params params) {
    Case& c = result.spec;
    c.scenario = std::move(scenario);
    c.family = std::move(family);
    c.variant = std::move(variant);
    c.impl = std::move(impl);
    c.group = std::move(group);
    c.params = std::move(params);
  }
  CaseBuilder& id(std::string explicit_params) {
    result.spec.id = fmt::format("{}/{}/{}", result.spec.family, result.spec.variant, explicit_params);
    return *this;
  }
  CaseBuilder& baseline() { result.spec.baseline = true; return *this; }
  CaseBuilder& status(report::CaseStatus status, std::string reason) {
    result.status = status;
    result.reason = std::move(reason);
    if (status == report::CaseStatus::skipped) result.spec.skip_reason = result.reason;
    return *this;
  }
  CaseBuilder& metrics(std::vector<report::MetricResult> metrics) {
    for (auto& m : metrics) result.metrics.push_back(std::move(m));
    return *this;
  }
  CaseBuilder& details(nlohmann::json details) { result.details = std::move(details); return *this; }
  CaseBuilder& rss(std::int64_t bytes) { result.peak_rss_bytes = bytes; return *this; }
  CaseBuilder& wall(double seconds) { result.wall_seconds = seconds; return *this; }
};

inline Params counter_params(std::int64_t threads, std::int64_t pad_bytes = -1) {
  Params p;
  p.set("threads", threads);
  p.set("increments", std::int64_t{100});
  p.set("delay_ns", std::int64_t{0});
  if (pad_bytes >= 0) p.set("pad_bytes", pad_bytes);
  return p;
}

inline Params mailbox_params(std::optional<std::string> wait) {
  Params p;
  p.set("producers", std::int64_t{1});
  p.set("ratio", 2.0);  // a whole-valued double must stay a double
  p.set("pinned", true);
  if (wait) p.set("wait", *wait);
  return p;
}

inline void fill_header(report::Report& r) {
  r.started_at = "2026-11-23T23:00:00Z";
  r.finished_at = "2026-11-23T23:01:30Z";
  r.provenance = {"0.1.0", "eb01af4", "/home/dev/velo", "0123456789abcdef0123456789abcdef01234567", false};
  r.environment.hostname = "bench-1";
  r.environment.os = "Linux";
  r.environment.kernel = "6.1.0-27-amd64";
  r.environment.arch = "x86_64";
  r.environment.cpu_model = "AMD EPYC 7B13";
  r.environment.logical_cpus = 2;
  r.environment.caches = {{1, "Data", 32768, 64}, {2, "Unified", 524288, 64},
                          {3, "Unified", 33554432, 64}};
  r.environment.governor = std::nullopt;
  r.environment.compiler = "gcc 12.2.0";
  r.environment.compiler_flags = "-O2 -g -fno-omit-frame-pointer";
  r.environment.build_type = "debugoptimized";
  r.environment.libc = "glibc 2.36";
}

// The report behind the export golden files: every kind of row and table.
inline report::Report sample_report() {
  using report::CaseStatus;
  report::Report r;
  fill_header(r);
  r.complete = false;
  r.request = {.repetitions = 10};
  r.scenarios = {
      {"scenarios/counters.toml", "counters", "counters", "fnv1a64:00000000deadbeef", nullptr},
      {"scenarios/mailbox.toml", "mailbox", "mailbox", "fnv1a64:0000000012345678",
       {{"max_regression", "5%"}}},
      {"<builtin>/quick/mystery.toml", "mystery", "mystery", "fnv1a64:00000000cafef00d", nullptr},
  };
  const std::string g1 = "increments=100,threads=1";
  const std::string g2 = "increments=100,threads=2";
  auto counters = [](std::string variant, std::string impl, std::string group, Params params) {
    return CaseBuilder("counters", "counters", std::move(variant), std::move(impl),
                       std::move(group), std::move(params));
  };
  r.cases = {
      counters("atomic", "atomic_fetch_add", g1, counter_params(1))
          .id(g1).baseline().metrics(timing(12.4, 0.004)).rss(4'194'304).wall(1.25).result,
      counters("mutex", "mutex", g1, counter_params(1))
          .id(g1).metrics(timing(45.6, 0.003)).rss(4'200'000).wall(1.5).result,
      counters("sharded", "sharded_padded", g1, counter_params(1, 64))
          .id("increments=100,pad_bytes=64,threads=1").metrics(timing(4.1, 0.05)).wall(1.0).result,
      counters("sharded", "sharded_padded", g1, counter_params(1, 128))
          .id("increments=100,pad_bytes=128,threads=1").metrics(timing(4.0, 0.002)).wall(1.0).result,
      counters("spinlock", "spinlock", g1, counter_params(1))
          .id(g1)
          .status(CaseStatus::failed,
                  "end_repetition: counter is 99 after 100 increments (lost updates); the "
                  "variant's lock does not exclude concurrent writers\nstderr: assertion failed")
          .wall(0.2).result,
      counters("batch", "thread_local_batch", g1, counter_params(1))
          .id(g1).status(CaseStatus::skipped, "needs at least 2 threads").result,
      counters("atomic", "atomic_fetch_add", g2, counter_params(2))
          .id(g2).baseline().metrics(timing(30.0, 0.01)).wall(1.1).result,
      counters("mutex", "mutex", g2, counter_params(2))
          .id(g2).status(CaseStatus::timeout, "killed after 60s").wall(60.0).result,
      counters("spin·ttas", "spinlock", g2, counter_params(2))
          .id(g2).metrics(timing(90.0, 0.01)).wall(1.3).result,
  };

  auto mailbox = [](std::string variant, std::string impl, std::string group, Params params) {
    return CaseBuilder("mailbox", "mailbox", std::move(variant), std::move(impl),
                       std::move(group), std::move(params));
  };
  auto mailbox_metrics = [](double ns, double p99) {
    auto m = timing(ns, 0.01, 5);
    std::vector<report::MetricResult> out;
    out.push_back(m[0]);
    out.push_back(m[1]);
    out.push_back(make_metric({"p99_latency_ns", "ns", Better::lower, "99th percentile latency"},
                              samples_around(p99, 0.02, 5)));
    return out;
  };
  const nlohmann::json small_slots = {{"slot_bytes", 64}, {"slots", 1024}};
  r.cases.push_back(mailbox("locked", "locked", "producers=1,wait=spin", mailbox_params("spin"))
                        .id("producers=1,wait=spin").baseline()
                        .metrics(mailbox_metrics(200, 1500)).details(small_slots).result);
  r.cases.push_back(mailbox("locked", "locked", "producers=1,wait=futex", mailbox_params("futex"))
                        .id("producers=1,wait=futex").baseline()
                        .metrics(mailbox_metrics(350, 52000)).details(small_slots).result);
  r.cases.push_back(mailbox("lockfree", "lockfree", "producers=1", mailbox_params(std::nullopt))
                        .id("producers=1").metrics(mailbox_metrics(80, 900))
                        .details({{"slot_bytes", 128}, {"slots", 1024}}).result);

  r.cases.push_back(
      CaseBuilder("mystery", "mystery", "copy", "memcpy", "", Params{})
          .id("").baseline()
          .metrics({make_metric({"bytes_per_s", "B/s", Better::higher, "bytes copied per second"},
                                samples_around(12.5e9, 0.01))})
          .result);
  r.notes = {"hardware counters unavailable: perf_event_paranoid is 3"};
  return r;
}

// Families for the sample: counters as shipped, plus a made-up "mailbox" whose
// headline leads with a higher-is-better metric and which describes its details.
inline Registry sample_families() {
  Registry families;
  families.add(make_counters_family());
  Family mailbox;
  mailbox.name = "mailbox";
  mailbox.metrics = {{"p99_latency_ns", "ns", Better::lower, "99th percentile latency"}};
  mailbox.headline = {"ops_per_s", "p99_latency_ns"};
  mailbox.describe_details = [](const nlohmann::json& d) {
    return fmt::format("slot layout: {} slots x {} B", d.at("slots").get<int>(),
                       d.at("slot_bytes").get<int>());
  };
  families.add(std::move(mailbox));
  return families;
}

// A small, realistic report for reports/example-report.json.
inline report::Report example_report() {
  report::Report r;
  fill_header(r);
  r.scenarios = {{"<builtin>/quick/counters.toml", "counters", "counters",
                  "fnv1a64:5be2c9a1f00d4e21", nullptr}};
  const std::string group = "increments=100,threads=2";
  auto base = CaseBuilder("counters", "counters", "atomic", "atomic_fetch_add", group,
                          counter_params(2));
  r.cases.push_back(base.id(group).baseline().metrics(timing(1050, 0.01, 10)).rss(3'932'160).wall(0.82).result);
  auto padded = CaseBuilder("counters", "counters", "padded", "sharded_padded", group,
                            counter_params(2, 64));
  r.cases.push_back(padded.id(group).metrics(timing(130, 0.02, 10)).rss(3'936'256).wall(0.79).result);
  auto batch = CaseBuilder("counters", "counters", "batch", "thread_local_batch", group,
                           counter_params(2));
  r.cases.push_back(batch.id(group)
                        .status(report::CaseStatus::skipped, "batch (256) exceeds increments (100)")
                        .result);
  for (auto& c : r.cases) c.spec.settings = {10, 0.05, 0.01, 60};
  return r;
}

}  // namespace velo::testing
