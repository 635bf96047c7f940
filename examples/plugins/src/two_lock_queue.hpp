// The two-lock queue of Michael and Scott, "Simple, Fast, and Practical
// Non-Blocking and Blocking Concurrent Queue Algorithms" (PODC 1996), figure 2:
// a singly linked list with a dummy head node, one lock for the head (receivers)
// and one for the tail (senders), so a send and a receive never wait for each
// other. `next` is atomic because with one element the receiver reads the node
// the sender links onto.
//
// A channel must honour its capacity, which the paper's queue does not: a count of
// messages in flight bounds it (a sender that finds the queue full yields).
// `drop_every` > 0 makes it lossy: one message in drop_every is silently dropped
// (the broken example velo must catch).
#pragma once

#include <velo/plugin.hpp>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace examples {

class TwoLockQueue {
 public:
  TwoLockQueue(const velo_channel_config& config, const velo::plugin::Params&, std::uint64_t drop_every = 0)
      : bytes_(config.message_bytes), capacity_(config.capacity), drop_every_(drop_every) {
    head_ = tail_ = new_node(nullptr);
  }
  ~TwoLockQueue() {
    while (Node* node = head_) {
      head_ = node->next.load(std::memory_order_relaxed);
      delete[] reinterpret_cast<unsigned char*>(node);
    }
  }
  TwoLockQueue(const TwoLockQueue&) = delete;
  TwoLockQueue& operator=(const TwoLockQueue&) = delete;

  void push(int, const void* message) {
    if (drop_every_ && sent_.fetch_add(1, std::memory_order_relaxed) % drop_every_ == drop_every_ - 1) return;
    // Claim a slot: never more than capacity messages in the queue.
    std::int64_t in_queue = size_.load(std::memory_order_acquire);
    for (;;) {
      if (in_queue >= capacity_) {
        std::this_thread::yield();
        in_queue = size_.load(std::memory_order_acquire);
      } else if (size_.compare_exchange_weak(in_queue, in_queue + 1, std::memory_order_acq_rel)) {
        break;
      }
    }
    Node* node = new_node(message);
    std::lock_guard lock(tail_lock_);
    tail_->next.store(node, std::memory_order_release);
    tail_ = node;
  }

  bool try_pop(int, void* out) {
    Node* old_head;
    {
      std::lock_guard lock(head_lock_);
      Node* first = head_->next.load(std::memory_order_acquire);
      if (!first) return false;
      std::memcpy(out, first->data(), bytes_);
      old_head = head_;
      head_ = first;  // the received node becomes the dummy
    }
    size_.fetch_sub(1, std::memory_order_acq_rel);
    delete[] reinterpret_cast<unsigned char*>(old_head);
    return true;
  }

 private:
  struct Node {
    std::atomic<Node*> next{nullptr};
    unsigned char* data() { return reinterpret_cast<unsigned char*>(this + 1); }
  };

  Node* new_node(const void* message) {
    auto* node = new (new unsigned char[sizeof(Node) + bytes_]) Node;
    if (message) std::memcpy(node->data(), message, bytes_);
    return node;
  }

  const std::size_t bytes_;
  const std::int64_t capacity_;
  const std::uint64_t drop_every_;
  alignas(64) std::mutex head_lock_;
  Node* head_;
  alignas(64) std::mutex tail_lock_;
  Node* tail_;
  alignas(64) std::atomic<std::int64_t> size_{0};
  std::atomic<std::uint64_t> sent_{0};
};

// The deliberately broken variant: drops one message in 10,000.
class LossyTwoLockQueue : public TwoLockQueue {
 public:
  LossyTwoLockQueue(const velo_channel_config& config, const velo::plugin::Params& params)
      : TwoLockQueue(config, params, 10000) {}
};

}  // namespace examples
