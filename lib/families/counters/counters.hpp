// Shared counters: N threads increment one logical counter. The smallest family,
// and the worked example of how a family is put together.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_counters_family();

namespace counters {
// One Implementation per variant file.
Implementation atomic_fetch_add();
Implementation mutex();
Implementation spinlock();
Implementation sharded_packed();
Implementation sharded_padded();
Implementation thread_local_batch();
}  // namespace counters

}  // namespace velo
