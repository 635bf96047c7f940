// The non-blocking send check: a plugin channel that provides try_send has it
// checked once, on the fresh channel, before the case's first repetition and
// outside every timed region. The channel family's workloads send only with the
// blocking send (no built-in workload has a non-blocking send to measure), so
// try_send is verified, not measured.
//
// On one thread (sender 0, receiver 0), with messages numbered in their first 8
// bytes and filled with a pattern derived from the number:
//   capacity C > 0:  try_send must accept min(C, kProbeLimit) messages into the
//                    empty channel ("0 if full": it is not full yet), and, when
//                    C <= kProbeLimit, refuse the next one (never more than C held);
//   capacity 0:      with no receiver waiting, try_send must refuse;
// then try_recv must return every accepted message exactly once, intact (and in
// order when the plugin declares VELO_CAP_FIFO_PER_PRODUCER), and then report empty.
// The channel is empty again afterwards, as the workload expects it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "velo/plugin.h"

namespace velo::plugin {

inline constexpr std::int64_t kProbeLimit = 4096;

// What the channel did wrong, or nothing.
std::optional<std::string> probe_try_send(const velo_channel_ops& ops, void* channel,
                                          const velo_channel_config& config, bool fifo);

}  // namespace velo::plugin
