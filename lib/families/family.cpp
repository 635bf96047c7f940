#include "families/family.hpp"

#include <cassert>

namespace velo {

const Implementation* Family::find_impl(std::string_view impl_name) const {
  for (const auto& impl : impls) {
    if (impl.name == impl_name) return &impl;
  }
  return nullptr;
}

const ParamSpec* Family::find_param(const Implementation& impl, std::string_view param) const {
  for (const auto& spec : params) {
    if (spec.name == param) return &spec;
  }
  for (const auto& spec : impl.params) {
    if (spec.name == param) return &spec;
  }
  if (!open_params) return nullptr;
  auto it = open_specs_.find(param);
  if (it == open_specs_.end()) {
    ParamSpec spec{.name = std::string(param), .type = ParamType::text, .default_value = std::string(),
                   .doc = "substituted for {" + std::string(param) + "}"};
    it = open_specs_.emplace(spec.name, std::move(spec)).first;
  }
  return &it->second;
}

const MetricSpec* Family::find_metric(std::string_view metric) const {
  for (const auto& spec : metrics::runner_metrics()) {
    if (spec.name == metric) return &spec;
  }
  for (const auto& spec : metrics) {
    if (spec.name == metric) return &spec;
  }
  return nullptr;
}

void Registry::add(Family family) {
  assert(find(family.name) == nullptr && "family registered twice");
  families_.push_back(std::move(family));
}

const Family* Registry::find(std::string_view name) const {
  for (const auto& family : families_) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

}  // namespace velo
