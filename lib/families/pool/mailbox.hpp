// The hand-off for cross-thread releases: one single-producer single-consumer ring
// per team member (its inbox; member m-1 is the only producer). Lamport's
// bounded queue, with each side caching the other's index so that a push or pop
// touches the shared line only when the cached view runs out.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "families/pool/objects.hpp"

namespace velo::pool {

// An object on its way to release, with the tag its holder wrote into it.
struct Held {
  std::byte* object = nullptr;
  std::uint64_t tag = 0;
};

class Mailbox {
 public:
  static_assert((mailbox_capacity & (mailbox_capacity - 1)) == 0, "a power of two");

  // Producer only. False when full: the caller drains its own inbox and retries.
  bool push(const Held& held) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - producer_cached_head_ == mailbox_capacity) {
      producer_cached_head_ = head_.load(std::memory_order_acquire);
      if (tail - producer_cached_head_ == mailbox_capacity) return false;
    }
    slots_[tail & mask] = held;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer only.
  bool pop(Held& held) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == consumer_cached_tail_) {
      consumer_cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head == consumer_cached_tail_) return false;
    }
    held = slots_[head & mask];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

 private:
  static constexpr std::size_t mask = mailbox_capacity - 1;
  alignas(128) std::atomic<std::size_t> tail_{0};  // written by the producer
  std::size_t producer_cached_head_ = 0;
  alignas(128) std::atomic<std::size_t> head_{0};  // written by the consumer
  std::size_t consumer_cached_tail_ = 0;
  alignas(128) std::array<Held, mailbox_capacity> slots_{};
};

}  // namespace velo::pool
