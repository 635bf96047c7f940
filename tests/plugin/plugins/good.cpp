// A correct implementation of every plugin kind, small enough to be obviously
// right, built with velo/plugin.hpp: what the plugin tests load and measure.
#include <velo/plugin.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// A bounded ring of message_bytes slots under one mutex (FIFO, any thread count).
class LockedQueue {
 public:
  LockedQueue(const velo_channel_config& config, const velo::plugin::Params&)
      : bytes_(config.message_bytes),
        capacity_(config.capacity > 0 ? static_cast<std::size_t>(config.capacity) : 1),
        ring_(capacity_ * bytes_) {}

  void push(int, const void* message) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return count_ < capacity_; });
    std::memcpy(&ring_[((head_ + count_) % capacity_) * bytes_], message, bytes_);
    ++count_;
    not_empty_.notify_one();
  }
  bool try_push(int, const void* message) {
    std::lock_guard lock(mutex_);
    if (count_ == capacity_) return false;
    std::memcpy(&ring_[((head_ + count_) % capacity_) * bytes_], message, bytes_);
    ++count_;
    not_empty_.notify_one();
    return true;
  }
  bool try_pop(int, void* out) {
    std::lock_guard lock(mutex_);
    if (count_ == 0) return false;
    take(out);
    return true;
  }
  void close() { closed_ = true; }  // nothing to wake: velo calls it after the last repetition
  void pop(int, void* out) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return count_ > 0; });
    take(out);
  }

 protected:
  void take(void* out) {
    std::memcpy(out, &ring_[head_ * bytes_], bytes_);
    head_ = (head_ + 1) % capacity_;
    --count_;
    not_full_.notify_one();
  }

  std::size_t bytes_, capacity_;
  std::vector<unsigned char> ring_;
  std::size_t head_ = 0, count_ = 0;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
};

// A free list under a mutex; objects from aligned_alloc.
class FreeListPool {
 public:
  FreeListPool(const velo_pool_config& config, const velo::plugin::Params& params)
      : bytes_((config.object_bytes + config.alignment - 1) / config.alignment * config.alignment),
        alignment_(config.alignment) {
    if (params.integer("prefill") < 0) throw std::runtime_error("prefill must not be negative");
  }
  ~FreeListPool() {
    for (void* object : free_) std::free(object);
  }
  void* get(int) {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        void* object = free_.back();
        free_.pop_back();
        return object;
      }
    }
    fresh_.fetch_add(1, std::memory_order_relaxed);
    return std::aligned_alloc(alignment_, bytes_);
  }
  void put(int, void* object) {
    std::lock_guard lock(mutex_);
    free_.push_back(object);
  }
  std::int64_t fresh_allocations() const { return fresh_.load(std::memory_order_relaxed); }

 private:
  std::size_t bytes_, alignment_;
  std::mutex mutex_;
  std::vector<void*> free_;
  std::atomic<std::int64_t> fresh_{0};
};

// One std::unordered_map per key type under one mutex.
class LockedMap {
 public:
  LockedMap(const velo_map_config&, const velo::plugin::Params&) {}
  bool find(int, std::uint64_t key, std::string& out) {
    std::lock_guard lock(mutex_);
    auto it = u64_.find(key);
    if (it == u64_.end()) return false;
    out = it->second;
    return true;
  }
  bool insert_or_assign(int, std::uint64_t key, std::string_view value) {
    std::lock_guard lock(mutex_);
    return u64_.insert_or_assign(key, std::string(value)).second;
  }
  bool erase(int, std::uint64_t key) {
    std::lock_guard lock(mutex_);
    return u64_.erase(key) == 1;
  }
  bool find(int, std::string_view key, std::string& out) {
    std::lock_guard lock(mutex_);
    auto it = strings_.find(std::string(key));
    if (it == strings_.end()) return false;
    out = it->second;
    return true;
  }
  bool insert_or_assign(int, std::string_view key, std::string_view value) {
    std::lock_guard lock(mutex_);
    return strings_.insert_or_assign(std::string(key), std::string(value)).second;
  }
  bool erase(int, std::string_view key) {
    std::lock_guard lock(mutex_);
    return strings_.erase(std::string(key)) == 1;
  }
  std::size_t size() const { return u64_.size() + strings_.size(); }

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::string> u64_;
  std::unordered_map<std::string, std::string> strings_;
};

class AtomicCounter {
 public:
  AtomicCounter(const velo_counter_config&, const velo::plugin::Params&) {}
  void add(int, std::int64_t n) { value_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed); }
  std::uint64_t read() const { return value_.load(); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Exactly two allocations per iteration, 64 bytes together: a malloc(16) and a
// new char[48]. Each replaces the thread's previous block (freed), so the
// compiler cannot drop the pair and nothing else in run() allocates.
class AllocatingBench {
 public:
  AllocatingBench(const velo_function_config& config, const velo::plugin::Params&)
      : held_(static_cast<std::size_t>(config.threads)) {}
  ~AllocatingBench() {
    for (Held& held : held_) {
      std::free(held.block);
      delete[] held.array;
    }
  }
  void run(std::int64_t iterations, int thread) {
    Held& held = held_[static_cast<std::size_t>(thread)];
    for (std::int64_t i = 0; i < iterations; ++i) {
      void* block = std::malloc(16);
      if (!block) std::abort();
      std::free(held.block);
      held.block = block;
      char* array = new char[48];
      delete[] held.array;
      held.array = array;
    }
  }

 private:
  struct alignas(64) Held {
    void* block = nullptr;
    char* array = nullptr;
  };
  std::vector<Held> held_;
};

// Each thread sums 1..n into its own slot; verify checks every slot's sum.
class SumBench {
 public:
  SumBench(const velo_function_config& config, const velo::plugin::Params& params)
      : step_(params.integer("step", 1)), sums_(static_cast<std::size_t>(config.threads)),
        expected_(static_cast<std::size_t>(config.threads)) {}
  void run(std::int64_t iterations, int thread) {
    std::uint64_t sum = sums_[static_cast<std::size_t>(thread)];
    for (std::int64_t i = 0; i < iterations; ++i) sum += static_cast<std::uint64_t>(step_);
    sums_[static_cast<std::size_t>(thread)] = sum;
    expected_[static_cast<std::size_t>(thread)] += static_cast<std::uint64_t>(iterations * step_);
  }
  std::string verify() {
    for (std::size_t t = 0; t < sums_.size(); ++t) {
      if (sums_[t] != expected_[t]) return "thread " + std::to_string(t) + " summed wrong";
    }
    return "";
  }

 private:
  std::int64_t step_;
  std::vector<std::uint64_t> sums_, expected_;
};

const velo_param_decl pool_params[] = {
    velo::plugin::integer_param("prefill", "0", "objects allocated up front (unused: a declaration test)", 0, 4096),
};
const velo_param_decl sum_params[] = {
    velo::plugin::integer_param("step", "1", "what each iteration adds", 1, 1000),
    velo::plugin::choice_param("flavour", "plain", "plain|fancy", "a choice, for the validation tests"),
};

}  // namespace

VELO_PLUGIN("testgood", "1.0.0",
            velo::plugin::channel<LockedQueue>("locked_queue", "a bounded ring under one mutex",
                                               VELO_CAP_MULTI_PRODUCER | VELO_CAP_MULTI_CONSUMER |
                                                   VELO_CAP_FIFO_PER_PRODUCER),
            velo::plugin::pool<FreeListPool>("freelist_pool", "a free list under a mutex", pool_params, 1),
            velo::plugin::map<LockedMap>("locked_map", "std::unordered_map under a mutex"),
            velo::plugin::counter<AtomicCounter>("atomic_counter", "one std::atomic fetch_add"),
            velo::plugin::function<SumBench>("sum", "adds step per iteration", sum_params, 2),
            velo::plugin::function<AllocatingBench>("allocating", "two allocations, 64 bytes, per iteration"))
