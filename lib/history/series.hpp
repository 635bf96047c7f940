// The history model. A report stored in the history is one run on one machine with
// one build of velo's workloads at one commit. A series is what one case measured
// for one metric across runs, kept apart per machine and build configuration: a
// shift that comes from running on other hardware or with other compiler flags is
// not a change of the code, so two machines never share a series.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/host.hpp"
#include "core/metric.hpp"
#include "report/report.hpp"

namespace velo::history {

// "hostname | cpu model | N cpus | arch": what makes two runs' hardware the same.
std::string machine_key(const Environment& env);
// "compiler | flags | build type": what makes two builds comparable.
std::string build_key(const Environment& env);
// The commit a report measured: the run directory's git commit when known, else the
// commit velo was built from (velo measuring itself).
std::string commit_of(const report::Report& report);

struct SeriesKey {
  std::string machine;
  std::string build;
  std::string case_id;
  std::string metric;
  bool operator==(const SeriesKey&) const = default;
  auto operator<=>(const SeriesKey&) const = default;
};

struct SeriesPoint {
  std::int64_t report_id = 0;
  std::string commit;
  std::string branch;      // as given to `history add --branch`; empty when unknown
  std::string started_at;  // ISO 8601 UTC: the order of the series
  double median = 0;       // of the run's samples: the series' value
  std::vector<double> samples;
};

struct Series {
  SeriesKey key;
  std::string unit;
  Better better = Better::lower;
  std::vector<SeriesPoint> points;  // oldest first

  std::vector<double> values() const;  // the medians, oldest first
};

}  // namespace velo::history
