#include "plugin/channel_probe.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace velo::plugin {

namespace {

// Message `number` (from 1): the number in its first 8 bytes, then bytes derived from it.
void fill(std::vector<unsigned char>& message, std::uint64_t number) {
  std::memcpy(message.data(), &number, sizeof number);
  for (std::size_t i = sizeof number; i < message.size(); ++i) {
    message[i] = static_cast<unsigned char>(number * 131 + i * 7);
  }
}

}  // namespace

std::optional<std::string> probe_try_send(const velo_channel_ops& ops, void* channel,
                                          const velo_channel_config& config, bool fifo) {
  std::vector<unsigned char> message(config.message_bytes), expected(config.message_bytes);
  if (config.capacity == 0) {
    fill(message, 1);
    if (ops.try_send(channel, 0, message.data()) != 0) {
      return "try_send accepted a message on an unbuffered channel (capacity 0) with no receiver waiting";
    }
    if (ops.try_recv(channel, 0, message.data()) != 0) {
      return "try_recv returned a message on an unbuffered channel (capacity 0) nothing was sent to";
    }
    return std::nullopt;
  }

  const std::int64_t fill_to = std::min(config.capacity, kProbeLimit);
  std::int64_t accepted = 0;
  for (; accepted < fill_to; ++accepted) {
    fill(message, static_cast<std::uint64_t>(accepted) + 1);
    if (ops.try_send(channel, 0, message.data()) == 0) {
      return fmt::format("try_send refused a message while the channel held {} of its capacity {} (it returns 0 "
                         "only when full)", accepted, config.capacity);
    }
  }
  if (config.capacity <= kProbeLimit) {
    fill(message, static_cast<std::uint64_t>(accepted) + 1);
    if (ops.try_send(channel, 0, message.data()) != 0) {
      return fmt::format("try_send accepted message {} into a channel of capacity {}: it holds more than its capacity",
                         accepted + 1, config.capacity);
    }
  }

  std::vector<bool> seen(static_cast<std::size_t>(accepted) + 1, false);
  std::uint64_t previous = 0;
  for (std::int64_t got = 0; got < accepted; ++got) {
    if (ops.try_recv(channel, 0, message.data()) == 0) {
      return fmt::format("try_recv found the channel empty after {} of the {} messages try_send accepted", got,
                         accepted);
    }
    std::uint64_t number = 0;
    std::memcpy(&number, message.data(), sizeof number);
    if (number == 0 || number > static_cast<std::uint64_t>(accepted) || seen[number]) {
      return fmt::format("try_recv returned message number {}, {} (after try_send of messages 1..{})", number,
                         number == 0 || number > static_cast<std::uint64_t>(accepted) ? "never sent" : "a second time",
                         accepted);
    }
    fill(expected, number);
    if (message != expected) return fmt::format("message {} came back with other bytes than try_send gave", number);
    if (fifo && number != previous + 1) {
      return fmt::format("message {} arrived after message {}: out of order, though the plugin declares "
                         "VELO_CAP_FIFO_PER_PRODUCER", number, previous);
    }
    seen[number] = true;
    previous = number;
  }
  if (ops.try_recv(channel, 0, message.data()) != 0) {
    return fmt::format("try_recv returned a message after all {} messages try_send accepted had been received",
                       accepted);
  }
  return std::nullopt;
}

}  // namespace velo::plugin
