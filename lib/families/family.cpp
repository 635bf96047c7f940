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
  return nullptr;
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
