// What every kind's adapter shares: the C view of a case's parameters, the
// construction context, the identity in each case's details, and the one way a
// broken contract inside the timed region is reported.
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "plugin/loaded.hpp"

namespace velo::plugin {

ParamBlock::ParamBlock(const Params& params, const std::vector<ParamSpec>& specs) {
  values_.reserve(params.values().size());
  for (const auto& [name, value] : params.values()) {
    velo_param_value out{};
    out.name = strings_.emplace_back(name).c_str();
    const ParamSpec* spec = nullptr;
    for (const auto& candidate : specs) {
      if (candidate.name == name) spec = &candidate;
    }
    ParamType type = ParamType::text;
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      type = ParamType::integer;
      out.integer = *i;
      out.number = static_cast<double>(*i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      type = ParamType::number;
      out.number = *d;
    } else if (const auto* b = std::get_if<bool>(&value)) {
      type = ParamType::boolean;
      out.integer = *b ? 1 : 0;
      out.number = out.integer;
    }
    if (spec) type = spec->type;
    switch (type) {
      case ParamType::integer: out.type = VELO_PARAM_INTEGER; break;
      case ParamType::number: out.type = VELO_PARAM_NUMBER; break;
      case ParamType::boolean: out.type = VELO_PARAM_BOOLEAN; break;
      case ParamType::choice: out.type = VELO_PARAM_CHOICE; break;
      case ParamType::bytes: out.type = VELO_PARAM_BYTES; break;
      case ParamType::text: out.type = VELO_PARAM_TEXT; break;
    }
    const auto* text = std::get_if<std::string>(&value);
    out.text = strings_.emplace_back(text ? *text : format_param(value, type)).c_str();
    values_.push_back(out);
  }
  params_.count = values_.size();
  params_.values = values_.data();
}

namespace {
thread_local BuildContext current_build;
}  // namespace

ScopedBuild::ScopedBuild(const velo_impl& impl, const velo_params* params) : previous_(current_build) {
  current_build = {&impl, params};
}
ScopedBuild::~ScopedBuild() { current_build = previous_; }
const BuildContext& ScopedBuild::current() {
  assert(current_build.impl && "a plugin adapter built outside build_with()");
  return current_build;
}

void contract_violation(const velo_impl& impl, const char* what) {
  std::fprintf(stderr, "velo: plugin implementation '%s' broke its contract: %s\n", impl.name, what);
  std::fflush(stderr);
  std::abort();
}

namespace {

class Identified final : public Workload {
 public:
  Identified(std::unique_ptr<Workload> inner, nlohmann::json identity)
      : inner_(std::move(inner)), identity_(std::move(identity)) {}
  double run(std::int64_t ops) override { return inner_->run(ops); }
  void begin_repetition() override { inner_->begin_repetition(); }
  Status end_repetition(MetricSink& sink, std::int64_t ops, double seconds) override {
    return inner_->end_repetition(sink, ops, seconds);
  }
  nlohmann::json details() const override {
    nlohmann::json details = inner_->details();
    if (!details.is_object()) details = nlohmann::json::object();
    details["plugin"] = identity_;
    return details;
  }

 private:
  std::unique_ptr<Workload> inner_;
  nlohmann::json identity_;
};

}  // namespace

std::unique_ptr<Workload> with_identity(std::unique_ptr<Workload> inner, const Identity& identity) {
  return std::make_unique<Identified>(std::move(inner), identity.to_json());
}

Implementation implementation_base(const Loaded& plugin, const LoadedImpl& impl) {
  Implementation out;
  out.name = impl.raw->name;
  out.doc = fmt::format("{} (plugin {} {})", impl.raw->doc ? impl.raw->doc : "", plugin.identity.name,
                        plugin.identity.version);
  out.params = impl.params;
  out.worker_environment = [path = plugin.identity.path](const Params&) {
    return std::map<std::string, std::string>{{kWorkerPluginVariable, path}};
  };
  return out;
}

}  // namespace velo::plugin
