// The plugin's descriptor table: every example implementation, with its
// capabilities and declared parameters. This is the only file velo's SDK asks
// a project to write beyond its own classes.
#include <velo/plugin.hpp>

#include "checksum.hpp"
#include "per_thread_pool.hpp"
#include "striped_map.hpp"
#include "two_lock_queue.hpp"

namespace {

const velo_param_decl pool_params[] = {
    velo::plugin::integer_param("prefill", "0", "objects each thread's list starts with", 0, 4096),
};
const velo_param_decl checksum_params[] = {
    {"bytes", VELO_PARAM_BYTES, "4KiB", "bytes hashed per iteration", nullptr, 1, 1, 1, 1 << 24},
};
constexpr std::uint32_t kQueueCaps = VELO_CAP_MULTI_PRODUCER | VELO_CAP_MULTI_CONSUMER | VELO_CAP_FIFO_PER_PRODUCER;

}  // namespace

VELO_PLUGIN("velo_examples", "1.0.0",
            velo::plugin::channel<examples::TwoLockQueue>(
                "ms_two_lock", "Michael & Scott's two-lock queue (PODC 1996), bounded by a count", kQueueCaps),
            velo::plugin::channel<examples::LossyTwoLockQueue>(
                "ms_two_lock_lossy", "the two-lock queue, deliberately dropping 1 message in 10,000", kQueueCaps),
            velo::plugin::pool<examples::PerThreadPool>("per_thread_pool", "one lock-free free list per thread",
                                                        pool_params, 1),
            velo::plugin::map<examples::StripedMap>("striped_map", "64 mutex-guarded std::unordered_map stripes"),
            velo::plugin::function<examples::Checksum>("fnv1a_checksum", "FNV-1a over a buffer, verified",
                                                       checksum_params, 1))
