// The message every channel variant carries: `Bytes` of payload, copied into the
// channel by the sender and out of it by the receiver, like a Go value of that size.
//
// Invariants a consumer checks on every message:
//   - the first 8 bytes hold the stamp: producer id (top 16 bits) and the producer's
//     sequence number (low 48 bits);
//   - the last 8 bytes hold the stamp xor kTailMix (for Bytes >= 16), so a torn or
//     stale copy (head of one message, tail of another) is caught;
//   - the bytes in between hold a fixed pattern, checked in full on sampled messages
//     (same_payload: one memcmp against a reference message, so the check costs what
//     a copy of the message does rather than a loop over bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace velo::channel {

inline constexpr std::uint64_t kSeqBits = 48;
inline constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;
inline constexpr std::uint64_t kStopProducer = 0xFFFF;  // the stop message, never data
inline constexpr std::uint64_t kTailMix = 0x9E3779B97F4A7C15ULL;

inline constexpr std::uint64_t stamp_of(std::uint64_t producer, std::uint64_t seq) {
  return (producer << kSeqBits) | (seq & kSeqMask);
}
inline constexpr std::uint64_t producer_of(std::uint64_t stamp) { return stamp >> kSeqBits; }
inline constexpr std::uint64_t seq_of(std::uint64_t stamp) { return stamp & kSeqMask; }

inline constexpr std::byte pattern_byte(std::size_t i) {
  return static_cast<std::byte>((i * 131 + 7) & 0xFF);
}

template <std::size_t Bytes>
struct Message {
  static_assert(Bytes >= 8 && (Bytes & (Bytes - 1)) == 0, "a power of two, at least 8");
  static constexpr std::size_t size = Bytes;

  alignas(8) std::array<std::byte, Bytes> bytes;

  // A message full of the pattern, stamped as `stamp`.
  static Message filled(std::uint64_t stamp) {
    Message m;
    for (std::size_t i = 0; i < Bytes; ++i) m.bytes[i] = pattern_byte(i);
    m.stamp(stamp);
    return m;
  }

  void stamp(std::uint64_t value) {
    std::memcpy(bytes.data(), &value, 8);
    if constexpr (Bytes >= 16) {
      const std::uint64_t tail = value ^ kTailMix;
      std::memcpy(bytes.data() + Bytes - 8, &tail, 8);
    }
  }
  std::uint64_t head() const {
    std::uint64_t value;
    std::memcpy(&value, bytes.data(), 8);
    return value;
  }
  // The head and tail stamps agree: the copy was not torn.
  bool ends_agree() const {
    if constexpr (Bytes >= 16) {
      std::uint64_t tail;
      std::memcpy(&tail, bytes.data() + Bytes - 8, 8);
      return tail == (head() ^ kTailMix);
    }
    return true;
  }
  // The bytes between the stamps equal `reference`'s (a message made by filled()).
  bool same_payload(const Message& reference) const {
    constexpr std::size_t begin = 8, end = Bytes >= 16 ? Bytes - 8 : Bytes;
    return std::memcmp(bytes.data() + begin, reference.bytes.data() + begin, end - begin) == 0;
  }
};

// Calls f(Message<N>{}) for the message type of `bytes` (a power of two, 8..4096).
template <typename F>
decltype(auto) with_message_type(std::int64_t bytes, F&& f) {
  switch (bytes) {
    case 8: return f(Message<8>{});
    case 16: return f(Message<16>{});
    case 32: return f(Message<32>{});
    case 64: return f(Message<64>{});
    case 128: return f(Message<128>{});
    case 256: return f(Message<256>{});
    case 512: return f(Message<512>{});
    case 1024: return f(Message<1024>{});
    case 2048: return f(Message<2048>{});
    default: return f(Message<4096>{});
  }
}

}  // namespace velo::channel
