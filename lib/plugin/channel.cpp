// A plugin channel as a variant of the channel family: the family's throughput
// and pingpong workloads (families/channel/channel_workload.hpp) drive it through
// this adapter, so every message is checked exactly as for a built-in: delivered
// exactly once (count and stamp hash per producer), untorn, payload intact, and in
// order per producer when the plugin declares VELO_CAP_FIFO_PER_PRODUCER.
//
// Per message the adapter adds one indirect call to the plugin's function and a
// plain store to a counter of the calling thread's own (the watchdog's progress
// signal, below); that is part of what a plugin variant costs.
//
// try_send, when the plugin has it, is checked once on the fresh channel before
// the first repetition (channel_probe.hpp); close, when it has it, is called once
// before destroy.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "plugin/channel_probe.hpp"
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

// Counters each thread writes only in its own slot (a plain store, no lock
// prefix): what the watchdog reads to tell a stalled channel from a slow one.
struct alignas(64) Slot {
  std::atomic<std::uint64_t> count{0};
  std::atomic<bool> waiting{false};  // a receiver inside the plugin's blocking recv
};

template <typename M>
class PluginChannel {
 public:
  using Message = M;
  explicit PluginChannel(const channel::ChannelConfig& config)
      : impl_(*ScopedBuild::current().impl),
        ops_(*impl_.channel),
        senders_(static_cast<std::size_t>(config.senders)),
        receivers_(static_cast<std::size_t>(config.receivers)),
        watchdog_sender_(config.senders - 1) {
    const velo_channel_config c{.capacity = config.capacity,
                                .message_bytes = M::size,
                                .producers = config.senders - config.receivers,
                                .consumers = config.receivers,
                                .senders = config.senders,
                                .receivers = config.receivers};
    char error[512] = "";
    handle_ = ops_.create(&c, ScopedBuild::current().params, error, sizeof error);
    if (!handle_) {
      throw std::runtime_error(fmt::format("plugin channel '{}': create failed: {}", impl_.name,
                                           error[0] ? error : "(no reason given)"));
    }
    if (ops_.try_send) {  // checked here, outside timing: no workload sends without blocking
      if (auto wrong = probe_try_send(ops_, handle_, c, (impl_.capabilities & VELO_CAP_FIFO_PER_PRODUCER) != 0)) {
        ops_.destroy(handle_);
        throw std::runtime_error(fmt::format("plugin channel '{}': {}", impl_.name, *wrong));
      }
    }
    watchdog_ = std::thread([this] { watch(); });
  }
  ~PluginChannel() {
    {
      std::lock_guard lock(watchdog_mutex_);
      stopping_ = true;
    }
    watchdog_wake_.notify_one();
    watchdog_.join();
    if (ops_.close) ops_.close(handle_);
    ops_.destroy(handle_);
  }
  PluginChannel(const PluginChannel&) = delete;
  PluginChannel& operator=(const PluginChannel&) = delete;

  void send(int sender, const M& message) {
    ops_.send(handle_, sender, message.bytes.data());
    bump(senders_[static_cast<std::size_t>(sender)]);
  }
  bool try_recv(int receiver, M& out) {
    if (ops_.try_recv(handle_, receiver, out.bytes.data()) == 0) return false;
    bump(receivers_[static_cast<std::size_t>(receiver)]);
    return true;
  }
  void recv(int receiver, M& out) {
    Slot& slot = receivers_[static_cast<std::size_t>(receiver)];
    slot.waiting.store(true, std::memory_order_relaxed);
    ops_.recv(handle_, receiver, out.bytes.data());
    slot.waiting.store(false, std::memory_order_relaxed);
    bump(slot);
  }

 private:
  static void bump(Slot& slot) {
    slot.count.store(slot.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // A channel that lost a message leaves its receivers blocked for good: the
  // driver would hang until the case's timeout instead of saying what went wrong.
  // When no message has moved for kStall while a receiver waits, the watchdog
  // sends each waiting receiver the driver's stop message; the driver then
  // finishes the round and its count check names the loss. A channel that is
  // merely slow moves messages and is never touched.
  void watch() {
    constexpr auto kPoll = std::chrono::milliseconds(100);
    constexpr int kStallPolls = 10;  // one second without progress
    std::uint64_t last = 0;
    int still = 0;
    std::unique_lock lock(watchdog_mutex_);
    while (!watchdog_wake_.wait_for(lock, kPoll, [this] { return stopping_; })) {
      std::uint64_t moved = 0;
      int waiting = 0;
      for (const Slot& slot : senders_) moved += slot.count.load(std::memory_order_relaxed);
      for (const Slot& slot : receivers_) {
        moved += slot.count.load(std::memory_order_relaxed);
        waiting += slot.waiting.load(std::memory_order_relaxed) ? 1 : 0;
      }
      still = (moved == last && waiting > 0) ? still + 1 : 0;
      last = moved;
      if (still < kStallPolls) continue;
      still = 0;
      const M stop = M::filled(channel::stamp_of(channel::kStopProducer, 0));
      lock.unlock();  // the destructor must not wait for a send into a broken channel
      for (int i = 0; i < waiting; ++i) ops_.send(handle_, watchdog_sender_, stop.bytes.data());
      lock.lock();
    }
  }

  const velo_impl& impl_;
  const velo_channel_ops ops_;  // a copy: one indirection less per call
  void* handle_ = nullptr;
  std::vector<Slot> senders_, receivers_;
  const int watchdog_sender_;  // the last consumer's id: it sends stop messages anyway
  std::mutex watchdog_mutex_;
  std::condition_variable watchdog_wake_;
  bool stopping_ = false;
  std::thread watchdog_;
};

std::optional<std::string> unsupported(std::uint32_t caps, const Params& params) {
  if (params.integer("capacity") == 0 && !(caps & VELO_CAP_CAPACITY_ZERO)) {
    return "capacity 0 (an unbuffered rendezvous): the plugin does not declare VELO_CAP_CAPACITY_ZERO";
  }
  const bool pingpong = params.text("pattern") == "pingpong";
  if (!pingpong && params.integer("producers") > 1 && !(caps & VELO_CAP_MULTI_PRODUCER)) {
    return "several producers: the plugin does not declare VELO_CAP_MULTI_PRODUCER";
  }
  if (!pingpong && params.integer("consumers") > 1 && !(caps & VELO_CAP_MULTI_CONSUMER)) {
    return "several consumers: the plugin does not declare VELO_CAP_MULTI_CONSUMER";
  }
  return channel::common_unsupported(params, 0);
}

}  // namespace

Implementation channel_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  Implementation out = implementation_base(*plugin, impl);
  const std::uint32_t caps = impl.raw->capabilities;
  out.case_unsupported = [caps](const Params& params) { return unsupported(caps, params); };
  const bool fifo = (caps & VELO_CAP_FIFO_PER_PRODUCER) != 0;
  out.make = [plugin, &impl, fifo](const Params& params) {
    return build_with(impl, plugin->identity, params, [&]() -> Made {
      const channel::WorkloadShape shape = channel::shape_of(params, fifo);
      const bool pingpong = params.text("pattern") == "pingpong";
      return channel::with_message_type(params.integer("message_bytes"), [&](auto message) -> std::unique_ptr<Workload> {
        using M = decltype(message);
        if (pingpong) return std::make_unique<channel::PingPongWorkload<PluginChannel<M>>>(shape);
        return std::make_unique<channel::ThroughputWorkload<PluginChannel<M>>>(shape);
      });
    });
  };
  return out;
}

}  // namespace velo::plugin
