// Paired base/head runs of external benchmarks (docs/external.md, "Paired base/head
// runs"): where each external family finds the same benchmark built from the base
// commit. One entry per family (baseline.cpp); a family without one (velo's own,
// whose base is another velo build: --baseline-velo) has no external base.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "core/params.hpp"

namespace velo::external {

// Where the base build is (velo run --baseline-binary, --baseline-dir).
struct BaseBuild {
  std::map<std::string, std::string> binaries;  // head binary as the scenario names it -> base binary
  std::string any_binary;                       // --baseline-binary BASE without HEAD=: every gbench binary
  std::string dir;                              // the base checkout; "" = not given
};

// Given a case's parameters, the parameters its base side measures (e.g. `binary`
// replaced by the base binary), or why the case has no base build.
using BaseParams = std::function<std::variant<Params, std::string>(const Params&, const BaseBuild&)>;

// The base parameters of the cases of implementation `impl` of `family`: the external
// families' cases, and external_command variants inside any family; nullptr for a
// case with no external base (velo's own implementations).
const BaseParams* base_params_for(std::string_view family, std::string_view impl);

}  // namespace velo::external
