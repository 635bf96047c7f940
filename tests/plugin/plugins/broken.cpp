// Implementations that break their kind's contract, one way each, so the tests can
// show velo's family drivers catch it: the case fails with a message and reports
// no speed. And two that take their worker down (a crash, a NULL object).
#include <velo/plugin.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// Drops one message in `drop_every` (the rest arrive in order). With `stall_at` N
// > 0, the sender of the Nth message first sleeps `stall_ms`: a producer starved
// of CPU, which the adapter's watchdog must not take for a stalled channel.
class LossyQueue {
 public:
  LossyQueue(const velo_channel_config& config, const velo::plugin::Params& params)
      : bytes_(config.message_bytes), capacity_(static_cast<std::size_t>(config.capacity)),
        drop_every_(static_cast<std::uint64_t>(params.integer("drop_every", 1000))),
        stall_at_(static_cast<std::uint64_t>(params.integer("stall_at", 0))),
        stall_ms_(params.integer("stall_ms", 1500)), ring_(capacity_ * bytes_) {}
  void push(int, const void* message) {
    if (stall_at_ > 0 && pushes_.fetch_add(1) + 1 == stall_at_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms_));
    }
    for (;;) {
      std::lock_guard lock(mutex_);
      if (++sent_ % drop_every_ == 0) return;  // lost
      if (count_ < capacity_) {
        std::memcpy(&ring_[((head_ + count_) % capacity_) * bytes_], message, bytes_);
        ++count_;
        return;
      }
      --sent_;
    }
  }
  bool try_pop(int, void* out) {
    std::lock_guard lock(mutex_);
    if (count_ == 0) return false;
    std::memcpy(out, &ring_[head_ * bytes_], bytes_);
    head_ = (head_ + 1) % capacity_;
    --count_;
    return true;
  }

 private:
  std::size_t bytes_, capacity_;
  std::uint64_t drop_every_;
  std::uint64_t stall_at_;
  std::int64_t stall_ms_;
  std::atomic<std::uint64_t> pushes_{0};
  std::vector<unsigned char> ring_;
  std::size_t head_ = 0, count_ = 0;
  std::uint64_t sent_ = 0;
  std::mutex mutex_;
};

// Its try_push never says "full": it holds more than its capacity.
class OverfullQueue {
 public:
  OverfullQueue(const velo_channel_config& config, const velo::plugin::Params&) : bytes_(config.message_bytes) {}
  void push(int sender, const void* message) { try_push(sender, message); }
  bool try_push(int, const void* message) {
    std::lock_guard lock(mutex_);
    const auto* bytes = static_cast<const unsigned char*>(message);
    queue_.emplace_back(bytes, bytes + bytes_);
    return true;
  }
  bool try_pop(int, void* out) {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return false;
    std::memcpy(out, queue_.front().data(), bytes_);
    queue_.pop_front();
    return true;
  }

 private:
  std::size_t bytes_;
  std::mutex mutex_;
  std::deque<std::vector<unsigned char>> queue_;
};

// Gives every 50th object back twice, so two holders get the same object.
class DoubleGivingPool {
 public:
  DoubleGivingPool(const velo_pool_config& config, const velo::plugin::Params&)
      : bytes_((config.object_bytes + config.alignment - 1) / config.alignment * config.alignment),
        alignment_(config.alignment) {}
  ~DoubleGivingPool() {
    for (void* object : allocated_) std::free(object);
  }
  void* get(int) {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      void* object = free_.back();
      free_.pop_back();
      return object;
    }
    void* object = std::aligned_alloc(alignment_, bytes_);
    allocated_.push_back(object);  // freed by the destructor, whatever the free list holds
    return object;
  }
  void put(int, void* object) {
    std::lock_guard lock(mutex_);
    free_.push_back(object);
    if (++puts_ % 50 == 0) free_.push_back(object);
  }

 private:
  std::size_t bytes_, alignment_;
  std::mutex mutex_;
  std::vector<void*> free_, allocated_;
  std::uint64_t puts_ = 0;
};

// Claims every insert_or_assign inserted a new key.
class LyingMap {
 public:
  LyingMap(const velo_map_config&, const velo::plugin::Params&) {}
  bool find(int, std::uint64_t key, std::string& out) {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    out = it->second;
    return true;
  }
  bool insert_or_assign(int, std::uint64_t key, std::string_view value) {
    std::lock_guard lock(mutex_);
    map_.insert_or_assign(key, std::string(value));
    return true;
  }
  bool erase(int, std::uint64_t key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key) == 1;
  }
  std::size_t size() const { return map_.size(); }

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::string> map_;
};

// Counts right, values stale: insert_or_assign of a key it holds says "replaced"
// but keeps the old value.
class StaleMap {
 public:
  StaleMap(const velo_map_config&, const velo::plugin::Params&) {}
  bool find(int, std::uint64_t key, std::string& out) {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    out = it->second;
    return true;
  }
  bool insert_or_assign(int, std::uint64_t key, std::string_view value) {
    std::lock_guard lock(mutex_);
    return map_.try_emplace(key, value).second;  // an existing value is left as it was
  }
  bool erase(int, std::uint64_t key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key) == 1;
  }
  std::size_t size() const { return map_.size(); }

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::string> map_;
};

// Correct on one thread; on several, each thread answers a repeated lookup from its
// own one-entry cache, which only its own writes invalidate.
class CachingMap {
 public:
  CachingMap(const velo_map_config& config, const velo::plugin::Params&)
      : caches_(static_cast<std::size_t>(config.threads)) {}
  bool find(int thread, std::uint64_t key, std::string& out) {
    Cache& cache = caches_[static_cast<std::size_t>(thread)];
    if (cache.valid && cache.key == key) {
      out = cache.value;
      return true;
    }
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    out = it->second;
    cache = {true, key, it->second};
    return true;
  }
  bool insert_or_assign(int thread, std::uint64_t key, std::string_view value) {
    caches_[static_cast<std::size_t>(thread)].valid = false;
    std::lock_guard lock(mutex_);
    return map_.insert_or_assign(key, std::string(value)).second;
  }
  bool erase(int thread, std::uint64_t key) {
    caches_[static_cast<std::size_t>(thread)].valid = false;
    std::lock_guard lock(mutex_);
    return map_.erase(key) == 1;
  }
  std::size_t size() const { return map_.size(); }

 private:
  struct Cache {
    bool valid = false;
    std::uint64_t key = 0;
    std::string value;
  };
  std::vector<Cache> caches_;  // one per thread, used only by its thread
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::string> map_;
};

// Loses one increment in 1000.
class LossyCounter {
 public:
  LossyCounter(const velo_counter_config&, const velo::plugin::Params&) {}
  void add(int, std::int64_t n) {
    if (calls_.fetch_add(1, std::memory_order_relaxed) % 1000 == 999) return;
    value_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
  }
  std::uint64_t read() const { return value_.load(); }

 private:
  std::atomic<std::uint64_t> calls_{0}, value_{0};
};

// Its verify() always finds a wrong result.
class WrongFunction {
 public:
  WrongFunction(const velo_function_config&, const velo::plugin::Params&) {}
  void run(std::int64_t iterations, int) { done_ += iterations; }
  std::string verify() { return "checksum mismatch after " + std::to_string(done_.load()) + " iterations"; }

 private:
  std::atomic<std::int64_t> done_{0};
};

// Crashes on its first run.
class CrashingFunction {
 public:
  CrashingFunction(const velo_function_config&, const velo::plugin::Params&) {}
  void run(std::int64_t, int) { std::raise(SIGSEGV); }
};

// Hands out NULL.
class NullPool {
 public:
  NullPool(const velo_pool_config&, const velo::plugin::Params&) {}
  void* get(int) { return nullptr; }
  void put(int, void*) {}
};

// Refuses to be created.
class RefusingCounter {
 public:
  RefusingCounter(const velo_counter_config&, const velo::plugin::Params&) {
    throw std::runtime_error("no counter today");
  }
  void add(int, std::int64_t) {}
  std::uint64_t read() const { return 0; }
};

const velo_param_decl lossy_params[] = {
    velo::plugin::integer_param("drop_every", "1000", "one message in this many is dropped", 2, 1000000),
    velo::plugin::integer_param("stall_at", "0", "the sender of this message sleeps first (0: never)", 0, 1000000000),
    velo::plugin::integer_param("stall_ms", "1500", "how long that sender sleeps", 0, 60000),
};

}  // namespace

VELO_PLUGIN("testbroken", "0.0.1",
            velo::plugin::channel<LossyQueue>("lossy_queue", "drops a message now and then",
                                              VELO_CAP_FIFO_PER_PRODUCER, lossy_params, 3),
            velo::plugin::channel<OverfullQueue>("overfull_queue", "try_send never reports full",
                                                 VELO_CAP_FIFO_PER_PRODUCER),
            velo::plugin::pool<DoubleGivingPool>("double_pool", "gives some objects to two holders"),
            velo::plugin::map<LyingMap>("lying_map", "says every write inserted"),
            velo::plugin::map<StaleMap>("stale_map", "keeps the old value on insert_or_assign"),
            velo::plugin::map<CachingMap>("caching_map", "per-thread lookup caches other threads leave stale"),
            velo::plugin::counter<LossyCounter>("lossy_counter", "loses increments"),
            velo::plugin::counter<RefusingCounter>("refusing_counter", "create always fails"),
            velo::plugin::function<WrongFunction>("wrong_function", "verify always fails"),
            velo::plugin::function<CrashingFunction>("crashing_function", "raises SIGSEGV"),
            velo::plugin::pool<NullPool>("null_pool", "get returns NULL"))
