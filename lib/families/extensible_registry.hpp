// The registry velo::registry() returns, writable: plugins (lib/plugin/) add their
// implementations to it at start-up, before any scenario is expanded. A change
// replaces the registry's contents, so references into it taken before do not
// survive; nothing else may write to it.
#pragma once

#include "families/family.hpp"

namespace velo {

Registry& extensible_registry();

}  // namespace velo
