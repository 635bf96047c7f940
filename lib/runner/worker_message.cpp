#include "runner/worker_message.hpp"

#include <fmt/format.h>

#include "report/json_reader.hpp"
#include "runner/profile_request.hpp"

namespace velo {

namespace {

using report::ojson;

// The document, once its protocol is known to match.
Expected<ojson> open_message(std::string_view text, std::string_view what, std::string_view body_key) {
  ojson root;
  try {
    root = ojson::parse(text);
  } catch (const std::exception& e) {
    return make_error(fmt::format("{}: invalid JSON: {}", what, e.what()));
  }
  if (!root.is_object() || !root.contains(body_key)) {
    return make_error(fmt::format("{}: expected an object with \"protocol\" and \"{}\"", what, body_key));
  }
  const auto protocol = root.contains("protocol") ? report::JsonReader::as_integer(root["protocol"]) : std::nullopt;
  if (protocol != kWorkerProtocol) {
    return make_error(fmt::format("{}: worker protocol {}, this velo speaks {} (is the other build too old or "
                                  "too new?)",
                                  what, protocol ? std::to_string(*protocol) : "unknown", kWorkerProtocol));
  }
  return root;
}

report::CaseResult request_case(const Case& spec) {
  report::CaseResult result;
  result.spec = spec;
  result.status = report::CaseStatus::skipped;  // not measured yet
  result.reason = "a request to the worker";
  return result;
}

}  // namespace

std::string worker_request_to_json(const WorkerRequest& request) {
  ojson root{{"protocol", kWorkerProtocol},
             {"case", report::case_result_to_json(request_case(request.spec))},
             {"profile", request.profile ? ojson(profile_request_to_json(*request.profile)) : ojson(nullptr)}};
  if (!request.plugin_substitutes.empty()) root["plugin_substitutes"] = request.plugin_substitutes;
  return root.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

Expected<WorkerRequest> parse_worker_request(std::string_view text) {
  auto root = open_message(text, "worker request", "case");
  if (!root.ok()) return root.error();
  auto result = report::case_result_from_json((*root)["case"], "worker request");
  if (!result.ok()) return result.error();
  WorkerRequest request{.spec = std::move(result->spec)};
  if (root->contains("profile") && !(*root)["profile"].is_null()) {
    auto profile = profile_request_from_json(nlohmann::json((*root)["profile"]));
    if (!profile.ok()) return profile.error();
    request.profile = *profile;
  }
  if (const auto substitutes = root->find("plugin_substitutes"); substitutes != root->end()) {
    if (!substitutes->is_object()) return make_error("worker request: plugin_substitutes must be an object");
    for (const auto& [head, base] : substitutes->items()) {
      if (!base.is_string()) return make_error("worker request: plugin_substitutes must map paths to paths");
      request.plugin_substitutes[head] = base.get<std::string>();
    }
  }
  return request;
}

std::string worker_answer_to_json(const report::CaseResult& result) {
  ojson root{{"protocol", kWorkerProtocol}, {"result", report::case_result_to_json(result)}};
  return root.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

Expected<report::CaseResult> parse_worker_answer(std::string_view text) {
  auto root = open_message(text, "worker result", "result");
  if (!root.ok()) return root.error();
  return report::case_result_from_json((*root)["result"], "worker result");
}

}  // namespace velo
