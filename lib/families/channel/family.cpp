#include <fmt/format.h>

#include "families/channel/channel.hpp"

namespace velo {

namespace channel {

ParamSpec wait_param() {
  return {.name = "wait", .type = ParamType::choice, .default_value = std::string("park"),
          .doc = "how a blocked side waits: spin, yield, or park (bounded spin, then sleep on a futex)",
          .choices = {"spin", "yield", "park"}};
}

ParamSpec batch_param() {
  return {.name = "batch", .type = ParamType::integer, .default_value = std::int64_t{1},
          .doc = "messages per bulk send/receive call", .min = 1, .max = 1024};
}

bool is_power_of_two(std::int64_t value) { return value > 0 && (value & (value - 1)) == 0; }

std::optional<std::string> common_unsupported(const Params& params, std::int64_t min_capacity) {
  const bool pingpong = params.text("pattern") == "pingpong";
  if (pingpong && (params.integer("producers") != 1 || params.integer("consumers") != 1)) {
    return "pingpong bounces one message between two threads: needs producers = consumers = 1";
  }
  if (pingpong && params.has("batch") && params.integer("batch") != 1) {
    return "pingpong sends one message at a time: batch does not apply";
  }
  const std::int64_t capacity = params.integer("capacity");
  if (capacity < min_capacity) {
    return min_capacity == 1 ? std::string("capacity 0 (an unbuffered rendezvous) needs a design with parked "
                                           "senders; only go_chan has one")
                             : fmt::format("this queue cannot honour a capacity below {}", min_capacity);
  }
  return std::nullopt;
}

}  // namespace channel

Family make_channel_family() {
  Family family;
  family.name = "channel";
  family.doc = "Go-style channels: the Go runtime's design vs a mutex deque vs lock-free rings and libraries";
  family.op = "one message delivered (throughput) or one round trip (pingpong)";
  family.params = {
      {.name = "producers", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "sending threads", .min = 1, .max = 64},
      {.name = "consumers", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "receiving threads", .min = 1, .max = 64},
      {.name = "capacity", .type = ParamType::integer, .default_value = std::int64_t{64},
       .doc = "messages the channel buffers; 0 = unbuffered rendezvous (go_chan only)", .min = 0,
       .max = 1 << 20},
      {.name = "message_bytes", .type = ParamType::bytes, .default_value = std::int64_t{64},
       .doc = "payload bytes copied in and out per message (a power of two)", .unit = "B", .min = 8,
       .max = 4096},
      {.name = "pattern", .type = ParamType::choice, .default_value = std::string("throughput"),
       .doc = "throughput: producers stream to consumers; pingpong: one message bounces on two channels",
       .choices = {"throughput", "pingpong"}},
  };
  family.metrics = {
      {.name = "latency_p50_ns", .unit = "ns", .better = Better::lower,
       .doc = "median one-way latency, send call to receive return (sampled messages)"},
      {.name = "latency_p99_ns", .unit = "ns", .better = Better::lower,
       .doc = "99th percentile one-way latency (needs >= 100 samples)"},
      {.name = "latency_p999_ns", .unit = "ns", .better = Better::lower,
       .doc = "99.9th percentile one-way latency (needs >= 1000 samples)"},
      {.name = "latency_max_ns", .unit = "ns", .better = Better::lower,
       .doc = "largest sampled one-way latency"},
      {.name = "rtt_p50_ns", .unit = "ns", .better = Better::lower, .doc = "median round trip (pingpong)"},
      {.name = "rtt_p99_ns", .unit = "ns", .better = Better::lower,
       .doc = "99th percentile round trip (pingpong, needs >= 100 samples)"},
  };
  family.validate = [](const Params& params) -> std::optional<std::string> {
    const std::int64_t bytes = params.integer("message_bytes");
    if (!channel::is_power_of_two(bytes)) {
      return fmt::format("message_bytes must be a power of two from 8 to 4096 (got {})", bytes);
    }
    return std::nullopt;
  };
  family.impls = {
#define VELO_VARIANT(file, function) channel::function(),
#include "families/channel/variants.def"
#undef VELO_VARIANT
  };
  return family;
}

}  // namespace velo
