// What a channel is built from: the case's parameters that shape it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace velo::channel {

enum class Wait { spin, yield, park };

inline std::optional<Wait> parse_wait(std::string_view text) {
  if (text == "spin") return Wait::spin;
  if (text == "yield") return Wait::yield;
  if (text == "park") return Wait::park;
  return std::nullopt;
}

struct ChannelConfig {
  std::int64_t capacity = 1;
  // Senders are numbered 0..senders-1 (producers, then consumers that pass a stop
  // message on); receivers 0..receivers-1. Queues that keep per-thread state
  // (moodycamel's tokens) size it from these.
  int senders = 1;
  int receivers = 1;
  Wait wait = Wait::park;
};

}  // namespace velo::channel
