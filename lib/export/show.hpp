// `velo show REPORT [CASE]`: a report read back for people, one case at a time. The
// comparison tables keep to one line per variant; everything they leave out (struct
// layouts, notes, full skip and failure reasons, every metric, the fork spread, the
// environment) is here, in full.
#pragma once

#include <string>
#include <vector>

#include "families/family.hpp"
#include "report/report.hpp"

namespace velo::exporter {

// The run (when, what built it, the machine, notes) and one line per case: id,
// status and its first headline metric.
std::string report_overview_text(const report::Report& report, const Registry* families = nullptr);
// One case in full: parameters, settings, status and reason, every metric with its
// interval, the family's rendering of its details (e.g. layouts), notes and the
// remaining details as JSON, and the environment it ran in.
std::string case_text(const report::Report& report, const report::CaseResult& result,
                      const Registry* families = nullptr);

// The cases `query` names: the one whose id equals it, else every case whose id
// contains it.
std::vector<const report::CaseResult*> find_cases(const report::Report& report, const std::string& query);

}  // namespace velo::exporter
