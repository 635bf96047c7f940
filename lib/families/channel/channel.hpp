// Go-style channels in C++: what does a channel cost, and which queue fits a given
// producer/consumer count and capacity? The Go runtime's design against a naive
// mutex queue, hand-written lock-free rings and two outside libraries.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_channel_family();

namespace channel {
// One Implementation per variant file.
// One Implementation per variant, as variants.def lists them.
#define VELO_VARIANT(file, function) Implementation function();
#include "families/channel/variants.def"
#undef VELO_VARIANT

// Parameters the lock-free variants share.
ParamSpec wait_param();
ParamSpec batch_param();

// Why a case does not apply, from rules every variant shares; nullopt if it does.
// `min_capacity`: the smallest capacity the variant can honour (0 = rendezvous).
std::optional<std::string> common_unsupported(const Params& params, std::int64_t min_capacity);
bool is_power_of_two(std::int64_t value);
}  // namespace channel

}  // namespace velo
