// Turns a non-blocking queue (try_push / try_pop) into a channel whose send and
// receive wait, in one of three ways chosen by the `wait` parameter:
//   spin   retry with a pause hint: lowest latency while every thread has a core;
//          collapses when threads outnumber cores (a spinner burns the slice the
//          thread it waits for needs);
//   yield  retry after sched_yield: gives the core away, but still never sleeps;
//   park   retry a bounded number of times, then sleep on an eventcount until the
//          other side publishes (see event_count.hpp for why no wake-up is lost).
// In park mode every successful push notifies receivers and every successful pop
// notifies senders; the notify is a fence and a read of a shared word when nobody
// sleeps. Spin and yield pay nothing for it (one predictable branch).
//
// A Queue provides:
//   using Message;  Queue(const ChannelConfig&)
//   bool try_push(int sender, const Message&);  bool try_pop(int receiver, Message&)
// and optionally bulk forms (partial transfers allowed):
//   std::size_t try_push_bulk(int sender, const Message*, std::size_t n)
//   std::size_t try_pop_bulk(int receiver, Message*, std::size_t max)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <thread>

#include "families/channel/channel_config.hpp"
#include "families/channel/event_count.hpp"
#include "threads/spin.hpp"

namespace velo::channel {

template <typename Queue>
class Waiting {
 public:
  using Message = typename Queue::Message;

  explicit Waiting(const ChannelConfig& config) : queue_(config), wait_(config.wait) {}

  void send(int sender, const Message& message) {
    wait_until(not_full_, [&] { return queue_.try_push(sender, message); });
    published(not_empty_);
  }

  void send_bulk(int sender, const Message* messages, std::size_t n) {
    while (n > 0) {
      std::size_t pushed = 0;
      wait_until(not_full_, [&] { return (pushed = try_push_some(sender, messages, n)) > 0; });
      published(not_empty_);
      messages += pushed;
      n -= pushed;
    }
  }

  bool try_recv(int receiver, Message& out) {
    if (!queue_.try_pop(receiver, out)) return false;
    published(not_full_);
    return true;
  }

  void recv(int receiver, Message& out) {
    wait_until(not_empty_, [&] { return queue_.try_pop(receiver, out); });
    published(not_full_);
  }

  std::size_t try_recv_bulk(int receiver, Message* out, std::size_t max) {
    const std::size_t got = try_pop_some(receiver, out, max);
    if (got > 0) published(not_full_);
    return got;
  }

  std::size_t recv_bulk(int receiver, Message* out, std::size_t max) {
    std::size_t got = 0;
    wait_until(not_empty_, [&] { return (got = try_pop_some(receiver, out, max)) > 0; });
    published(not_full_);
    return got;
  }

  Queue& queue() { return queue_; }

 private:
  // Retries before a parking thread sleeps: a few microseconds, about the cost of
  // the futex sleep and wake it may save.
  static constexpr int kSpinsBeforePark = 128;

  std::size_t try_push_some(int sender, const Message* messages, std::size_t n) {
    if constexpr (requires { queue_.try_push_bulk(sender, messages, n); }) {
      return queue_.try_push_bulk(sender, messages, n);
    } else {
      return queue_.try_push(sender, messages[0]) ? 1 : 0;
    }
  }
  std::size_t try_pop_some(int receiver, Message* out, std::size_t max) {
    if constexpr (requires { queue_.try_pop_bulk(receiver, out, max); }) {
      return queue_.try_pop_bulk(receiver, out, max);
    } else {
      return queue_.try_pop(receiver, out[0]) ? 1 : 0;
    }
  }

  void published(EventCount& event) {
    if (wait_ == Wait::park) event.notify_all();
  }

  template <typename TryOp>
  void wait_until(EventCount& event, TryOp&& attempt) {
    if (attempt()) return;
    switch (wait_) {
      case Wait::spin:
        while (!attempt()) cpu_relax();
        return;
      case Wait::yield:
        while (!attempt()) std::this_thread::yield();
        return;
      case Wait::park:
        for (int i = 0; i < kSpinsBeforePark; ++i) {
          cpu_relax();
          if (attempt()) return;
        }
        for (;;) {
          const EventCount::Key key = event.prepare_wait();
          if (attempt()) {
            event.cancel_wait();
            return;
          }
          event.wait(key);
        }
    }
  }

  Queue queue_;
  Wait wait_;
  EventCount not_empty_;  // receivers sleep here
  EventCount not_full_;   // senders sleep here
};

}  // namespace velo::channel
