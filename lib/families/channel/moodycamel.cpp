// moodycamel: moodycamel::ConcurrentQueue (Debian libconcurrentqueue-dev) as an
// outside reference. Its design: one sub-queue per producer token, made of blocks
// of 32 slots; consumers rotate between sub-queues. What users must know:
//   - it is NOT FIFO across producers; it promises FIFO only among the items of one
//     producer token, which this workload checks per consumer;
//   - it is unbounded by design. A producer's sub-queue keeps the blocks it has
//     taken and never returns them to the shared pool, so with the non-allocating
//     try_enqueue a producer that finds the pool drained by the others can never
//     enqueue again (a deadlock we hit in testing). So this variant uses enqueue(),
//     which allocates a block when the producer's own are all in use, and bounds
//     the queue itself: once per block (every 32nd send, and on every bulk send)
//     a producer checks size_approx() and waits while it is >= capacity. The queue
//     can therefore hold up to capacity + 32 per producer; capacity below one block
//     is skipped. Blocks are allocated while the queue grows to that bound (the
//     first runs, which are Google Benchmark's probes) and reused afterwards.
// Producer and consumer tokens are made once in the constructor (explicit
// producers), so no implicit-producer lookup happens while measuring.
#include <concurrentqueue/concurrentqueue.h>

#include <vector>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/waiting.hpp"

namespace velo::channel {
namespace {

constexpr std::int64_t kBlockSize = 32;  // moodycamel's default BLOCK_SIZE

template <typename M>
class Moodycamel {
 public:
  using Message = M;
  explicit Moodycamel(const ChannelConfig& config)
      : capacity_(static_cast<std::size_t>(config.capacity)),
        queue_(capacity_, static_cast<std::size_t>(config.senders), 0) {
    senders_.reserve(static_cast<std::size_t>(config.senders));
    for (int i = 0; i < config.senders; ++i) senders_.emplace_back(queue_);
    consumer_tokens_.reserve(static_cast<std::size_t>(config.receivers));
    for (int i = 0; i < config.receivers; ++i) consumer_tokens_.emplace_back(queue_);
  }

  bool try_push(int sender, const M& message) {
    Sender& self = senders_[static_cast<std::size_t>(sender)];
    if (self.sends % kBlockSize == 0 && full()) return false;
    ++self.sends;
    return queue_.enqueue(self.token, message);
  }
  bool try_pop(int receiver, M& out) {
    return queue_.try_dequeue(consumer_tokens_[static_cast<std::size_t>(receiver)], out);
  }
  std::size_t try_push_bulk(int sender, const M* messages, std::size_t n) {
    if (full()) return 0;
    return queue_.enqueue_bulk(senders_[static_cast<std::size_t>(sender)].token, messages, n) ? n : 0;
  }
  std::size_t try_pop_bulk(int receiver, M* out, std::size_t max) {
    return queue_.try_dequeue_bulk(consumer_tokens_[static_cast<std::size_t>(receiver)], out, max);
  }

 private:
  struct alignas(64) Sender {
    explicit Sender(moodycamel::ConcurrentQueue<M>& queue) : token(queue) {}
    moodycamel::ProducerToken token;
    std::uint64_t sends = 0;
  };

  bool full() const { return queue_.size_approx() >= capacity_; }

  const std::size_t capacity_;
  moodycamel::ConcurrentQueue<M> queue_;
  std::vector<Sender> senders_;
  std::vector<moodycamel::ConsumerToken> consumer_tokens_;
};

template <typename M>
using MoodycamelChannel = Waiting<Moodycamel<M>>;

}  // namespace

Implementation moodycamel() {
  return {.name = "moodycamel",
          .doc = "moodycamel::ConcurrentQueue with tokens (not FIFO across producers)",
          .params = {wait_param(), batch_param()},
          .case_unsupported = [](const Params& params) -> std::optional<std::string> {
            if (auto reason = common_unsupported(params, 1)) return reason;
            if (params.integer("capacity") < kBlockSize) {
              return "moodycamel works in blocks of 32 items and is bounded here once per block: capacity below 32 cannot be honoured";
            }
            return std::nullopt;
          },
          .make = channel_factory<MoodycamelChannel>(true)};
}

}  // namespace velo::channel
