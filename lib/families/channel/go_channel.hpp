// A Go channel in C++, following the Go runtime's hchan (runtime/chan.go, Go 1.19):
//   - one lock guards everything: Go's runtime lock (go_runtime_lock.hpp: spin, yield,
//     then sleep), not std::mutex, which sleeps at the first contention;
//   - a ring buffer of `capacity` slots (none when capacity = 0);
//   - FIFO queues of parked senders and receivers (Go's sudogs: a waiter on the
//     parked thread's stack, holding a pointer to its value and a wake-up word);
//   - direct hand-off: a send that finds a parked receiver copies the value straight
//     into the receiver's destination, skipping the buffer; a receive that finds a
//     parked sender (buffer full, or unbuffered) takes the value from it (chan.go's
//     send/recv with a sudog). The woken side finds its work done (`success` set by
//     the waker) and returns without taking the lock again, as a goroutine woken by
//     goready does;
//   - capacity 0 is an unbuffered rendezvous: a send completes only when a receiver
//     has taken the value;
//   - close(): parked receivers and senders wake up; receivers still drain what is
//     buffered and then see `closed`; sending on a closed channel returns `closed`
//     (Go panics; here it is an error value, never undefined behaviour).
//
// Invariants (under the mutex): parked receivers exist only while the buffer is
// empty and no sender is parked; parked senders exist only while the buffer is
// full (or capacity is 0) and no receiver is parked; after close() no one parks.
//
// Taking turns (go_proc.hpp): a waiter woken by a channel operation does not run at
// once; like a goroutine that goready() put in its waker's runnext, it starts when
// its waker parks, or after the delay an idle P waits before stealing runnext
// (usleep(3), measured). A buffered channel is then filled and drained in runs, as
// two goroutines sharing a P do, instead of message by message with both threads
// fighting over the lock.
//
// Waking, as Go does, happens after the mutex is released. A waiter's word goes
// kParked -> (kSleeping, once it is about to sleep in the kernel) -> kDone. The waker
// swaps in kDone and makes the wake system call only if the waiter was asleep; that
// call uses only the word's address, so it is harmless if the waiter has already
// returned (ending the life of its stack-allocated record).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include <sched.h>
#include <vector>

#include "families/channel/go_proc.hpp"
#include "families/channel/go_runtime_lock.hpp"
#include "threads/futex.hpp"
#include "threads/spin.hpp"

namespace velo::channel {

enum class ChanStatus { ok, closed, empty };

template <typename T>
class GoChannel {
 public:
  explicit GoChannel(std::int64_t capacity)
      : capacity_(static_cast<std::size_t>(capacity)), buffer_(capacity_), steal_delay_(steal_delay()) {}
  GoChannel(const GoChannel&) = delete;
  GoChannel& operator=(const GoChannel&) = delete;

  std::size_t capacity() const { return capacity_; }

  // Blocks until the value is buffered or handed to a receiver; `closed` if the
  // channel is (or becomes, while this sender is parked) closed.
  ChanStatus send(const T& value) {
    std::unique_lock lock(mutex_);
    if (closed_.load(std::memory_order_relaxed)) return ChanStatus::closed;
    if (Waiter* receiver = receivers_.pop()) {
      *receiver->value = value;  // direct hand-off into the receiver's destination
      receiver->success = true;
      lock.unlock();
      wake(*receiver);
      return ChanStatus::ok;
    }
    if (const std::size_t count = count_.load(std::memory_order_relaxed); count < capacity_) {
      buffer_[(head_ + count) % capacity_] = value;
      count_.store(count + 1, std::memory_order_relaxed);
      return ChanStatus::ok;
    }
    Waiter self{.value = const_cast<T*>(&value)};  // only ever read through
    senders_.push(&self);
    lock.unlock();
    park(self);
    return self.success ? ChanStatus::ok : ChanStatus::closed;
  }

  // Blocks until a value arrives; `closed` once the channel is closed and drained.
  ChanStatus recv(T& out) {
    std::unique_lock lock(mutex_);
    if (ChanStatus status = take_locked(out, lock); status != ChanStatus::empty) return status;
    Waiter self{.value = &out};
    receivers_.push(&self);
    lock.unlock();
    park(self);
    return self.success ? ChanStatus::ok : ChanStatus::closed;
  }

  // Go's `select { case v := <-ch: ... default: }`: never blocks. Like chanrecv's
  // fast path, it answers "empty" without the lock when nothing can be received;
  // the closed flag is read after emptiness, and emptiness again after it, so a
  // channel closed with values still buffered is never reported drained.
  ChanStatus try_recv(T& out) {
    if (looks_empty()) {
      if (!closed_.load(std::memory_order_acquire)) return ChanStatus::empty;
      if (looks_empty()) return ChanStatus::closed;
    }
    std::unique_lock lock(mutex_);
    return take_locked(out, lock);
  }

  // false if already closed (Go panics on a double close).
  bool close() {
    std::unique_lock lock(mutex_);
    if (closed_.load(std::memory_order_relaxed)) return false;
    closed_.store(true, std::memory_order_release);
    Waiter* woken = nullptr;  // wake after unlocking, like Go's glist
    while (Waiter* w = receivers_.pop()) { w->success = false; w->next = woken; woken = w; }
    while (Waiter* w = senders_.pop()) { w->success = false; w->next = woken; woken = w; }
    lock.unlock();
    while (woken) {
      Waiter* next = woken->next;  // read before wake(): the waiter may then return
      wake(*woken);
      woken = next;
    }
    return true;
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_.load(std::memory_order_relaxed);
  }

 private:
  struct Waiter {
    T* value = nullptr;  // sender: the value to send; receiver: where to put one
    Waiter* next = nullptr;
    bool success = false;  // written by the waker before the wake
    std::atomic<std::uint32_t> state{kParked};
    const GoProc* waker = nullptr;  // written by the waker before kDone
  };
  static constexpr std::uint32_t kParked = 0, kSleeping = 1, kDone = 2;
  // 50 us of spinning, then a few yields: a partner running on another CPU answers
  // within that; a partner that is descheduled gets the CPU through the yields.
  static constexpr std::chrono::microseconds kParkSpin{50};
  static constexpr int kPausesPerClockRead = 64;
  static constexpr int kParkYields = 4;

  // A FIFO of parked waiters, linked through Waiter::next (no allocation).
  class WaitQueue {
   public:
    void push(Waiter* w) {
      w->next = nullptr;
      if (tail_) tail_->next = w; else head_.store(w, std::memory_order_relaxed);
      tail_ = w;
    }
    Waiter* pop() {
      Waiter* w = head_.load(std::memory_order_relaxed);
      if (w) {
        head_.store(w->next, std::memory_order_relaxed);
        if (!w->next) tail_ = nullptr;
      }
      return w;
    }
    // Read without the lock only as a hint (GoChannel::looks_empty).
    bool looks_empty() const { return head_.load(std::memory_order_relaxed) == nullptr; }

   private:
    std::atomic<Waiter*> head_{nullptr};
    Waiter* tail_ = nullptr;
  };

  // Takes a value if one is available now; unlocks `lock` when it wakes a sender.
  ChanStatus take_locked(T& out, std::unique_lock<GoRuntimeLock>& lock) {
    if (Waiter* sender = senders_.pop()) {
      if (capacity_ == 0) {
        out = *sender->value;  // rendezvous: straight from the sender
      } else {
        // The buffer is full: take its head and put the sender's value at its tail,
        // as Go does, so the order stays FIFO.
        out = buffer_[head_];
        buffer_[head_] = *sender->value;
        head_ = (head_ + 1) % capacity_;
      }
      sender->success = true;
      lock.unlock();
      wake(*sender);
      return ChanStatus::ok;
    }
    if (const std::size_t count = count_.load(std::memory_order_relaxed); count > 0) {
      out = buffer_[head_];
      head_ = (head_ + 1) % capacity_;
      count_.store(count - 1, std::memory_order_relaxed);
      return ChanStatus::ok;
    }
    return closed_.load(std::memory_order_relaxed) ? ChanStatus::closed : ChanStatus::empty;
  }

  // chan.go's empty(): nothing buffered, or, unbuffered, no sender parked.
  bool looks_empty() const {
    return capacity_ == 0 ? senders_.looks_empty() : count_.load(std::memory_order_relaxed) == 0;
  }

  static void wake(Waiter& w) {
    // w may be gone as soon as the exchange is done: take the address first.
    std::atomic<std::uint32_t>* word = &w.state;
    w.waker = &this_go_proc();
    if (word->exchange(kDone, std::memory_order_acq_rel) == kSleeping) futex_wake(word, 1);
  }

  // Waits to be woken, then takes its turn after the waker (go_proc.hpp). This
  // thread's GoProc says "parked" meanwhile, so a thread it woke earlier can start.
  void park(Waiter& w) const {
    GoProc& self = this_go_proc();
    self.parked.store(1, std::memory_order_release);
    wait_until_woken(w);
    self.parked.store(0, std::memory_order_relaxed);
    defer_to_waker(*w.waker, steal_delay_);
  }

  // A parked goroutine costs Go a switch to another goroutine, and its thread, with
  // nothing else to run, spins looking for work before it sleeps (the scheduler's
  // spinning M in findrunnable). A parked OS thread here has nothing else to run
  // either, so it does the same: spins on its own word (no shared cache line), then
  // yields a few times, and only then sleeps in the kernel.
  static void wait_until_woken(Waiter& w) {
    // Spin by time, not by count: a pause lasts from a few cycles to over a hundred
    // depending on the CPU. The clock is read once per kPausesPerClockRead pauses.
    const auto until = std::chrono::steady_clock::now() + kParkSpin;
    for (;;) {
      for (int i = 0; i < kPausesPerClockRead; ++i) {
        if (w.state.load(std::memory_order_acquire) == kDone) return;
        cpu_relax();
      }
      if (std::chrono::steady_clock::now() >= until) break;
    }
    for (int i = 0; i < kParkYields; ++i) {
      if (w.state.load(std::memory_order_acquire) == kDone) return;
      sched_yield();
    }
    std::uint32_t expected = kParked;
    if (!w.state.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) return;  // kDone
    while (w.state.load(std::memory_order_acquire) != kDone) futex_wait(w.state, kSleeping);
  }

  const std::size_t capacity_;
  mutable GoRuntimeLock mutex_;
  std::vector<T> buffer_;
  std::size_t head_ = 0;
  // count_, closed_ and the queues' heads change only under the lock; they are atomic
  // so that try_recv's fast path may read them without it (chan.go's empty()).
  std::atomic<std::size_t> count_{0};
  std::atomic<bool> closed_{false};
  const std::chrono::nanoseconds steal_delay_;
  WaitQueue receivers_;
  WaitQueue senders_;
};

}  // namespace velo::channel
