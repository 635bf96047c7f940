// The one expansion of a scenario into cases (internal to lib/scenario). The parser
// runs it with the file's source locations to validate every matrix point before a
// file is accepted; expand_cases runs it again with the command-line overrides.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/params.hpp"
#include "core/result.hpp"
#include "families/family.hpp"
#include "scenario/case.hpp"
#include "scenario/scenario.hpp"

namespace velo::scenario_detail {

// Where a table of parameters, its keys and each of their values are in the file.
struct ParamSources {
  SourceLocation table;
  std::map<std::string, SourceLocation, std::less<>> keys;
  std::map<std::string, std::vector<SourceLocation>, std::less<>> values;
};

struct ScenarioSources {
  ParamSources params;                 // the [params] table
  std::vector<ParamSources> variants;  // each variant's `params`, parallel to Scenario::variants
};

// One `--param KEY=VALUE`, parsed.
struct ParamOverride {
  std::string key;
  std::vector<ParamValue> values;
  std::string text;  // as given, for messages
};

// VALUE is read as a TOML value (a scalar or an array of scalars); anything that does
// not parse as one is taken as a plain string, so `distribution=zipf` works.
Expected<ParamOverride> parse_param_override(std::string_view text);

// The cases of one scenario. `sources` is null when the scenario did not come
// straight from the parser; errors then point at the variant.
Expected<std::vector<Case>> expand_scenario(const Scenario& scenario,
                                            const std::vector<ParamOverride>& overrides,
                                            const Registry& registry, const ScenarioSources* sources);

}  // namespace velo::scenario_detail
