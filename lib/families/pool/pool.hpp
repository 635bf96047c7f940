// Object pools: is pooling worth it for this object size and thread count, or is
// the allocator already good enough? Every variant takes, uses and gives back
// buffers of `object_bytes`; allocation counts per op sit next to the times.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_pool_family();

namespace pool {
// One Implementation per variant file.
Implementation new_delete();
Implementation tls_freelist();
Implementation mutex_freelist();
Implementation lockfree_stack();
Implementation sync_pool();
Implementation pmr_unsync();
Implementation pmr_sync();
Implementation pmr_monotonic();
}  // namespace pool

}  // namespace velo
