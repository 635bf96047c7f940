// mutex_deque: the bounded queue people write first. std::mutex, two condition
// variables (not empty, not full) and a std::deque holding at most `capacity`
// messages. Every send and receive takes the lock; a waiting side sleeps on its
// condition variable and is woken by notify_one after the other side's change.
// std::deque allocates and frees its blocks as it grows and shrinks (for messages
// over 512 bytes, one block per message): that cost is part of this baseline.
#include <condition_variable>
#include <deque>
#include <mutex>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"

namespace velo::channel {
namespace {

template <typename M>
class MutexDeque {
 public:
  using Message = M;
  explicit MutexDeque(const ChannelConfig& config) : capacity_(static_cast<std::size_t>(config.capacity)) {}

  void send(int, const M& message) {
    {
      std::unique_lock lock(mutex_);
      not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
      queue_.push_back(message);
    }
    not_empty_.notify_one();
  }

  bool try_recv(int, M& out) {
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return false;
      out = queue_.front();
      queue_.pop_front();
    }
    not_full_.notify_one();
    return true;
  }

  void recv(int, M& out) {
    {
      std::unique_lock lock(mutex_);
      not_empty_.wait(lock, [&] { return !queue_.empty(); });
      out = queue_.front();
      queue_.pop_front();
    }
    not_full_.notify_one();
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<M> queue_;
};

}  // namespace

Implementation mutex_deque() {
  return {.name = "mutex_deque",
          .doc = "std::mutex + two condition variables + std::deque bounded at capacity",
          .case_unsupported = [](const Params& params) { return common_unsupported(params, 1); },
          .make = channel_factory<MutexDeque>(true)};
}

}  // namespace velo::channel
