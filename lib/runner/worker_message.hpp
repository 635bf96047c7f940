// The messages between velo and its worker process (runner/worker.hpp), one JSON
// document each way:
//   request  {"protocol": 1, "case": CASE, "profile": {"mode", "hz", "thread_root"} | null,
//             "plugin_substitutes": {HEAD_PATH: BASE_PATH, ...} (only when not empty)}
//   answer   {"protocol": 1, "result": CASE}
// CASE is a case as reports hold it (reports/SPEC.md, "cases"); in a request only
// its specification matters. Both sides are the same velo build, except in a paired
// run (--baseline-velo), where the other build must speak the same protocol: a
// mismatch is reported as such rather than as a bad result.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "profiler/profiler.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

inline constexpr int kWorkerProtocol = 1;

struct WorkerRequest {
  Case spec;
  std::optional<profiler::Options> profile;  // sample the measured phase this way
  // --baseline-plugin's other side: load BASE wherever the case's plugin is HEAD.
  std::map<std::string, std::string> plugin_substitutes;
};

std::string worker_request_to_json(const WorkerRequest& request);
Expected<WorkerRequest> parse_worker_request(std::string_view text);

std::string worker_answer_to_json(const report::CaseResult& result);
Expected<report::CaseResult> parse_worker_answer(std::string_view text);

}  // namespace velo
