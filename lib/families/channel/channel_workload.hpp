// The workloads every channel variant shares.
//
// throughput: `producers` threads send their share of the ops (one op = one message
//   delivered), `consumers` threads receive until every message has arrived. All are
//   one ThreadTeam: members 0..P-1 produce, P..P+C-1 consume. Consumers count what
//   they receive locally and add it to a shared total only when the channel looks
//   empty, so counting costs no shared write per message; the consumer whose
//   addition completes the total sends one stop message to each other consumer.
// pingpong: two channels and two threads; a message goes out on one and comes back
//   on the other. One op = one round trip.
//
// What is timed: the round (threads/thread_team.hpp), which contains sending,
// receiving and the consumers' per-message bookkeeping and checks below. One-way
// latency is stamped by the producer right before the send call and by the consumer
// right after the receive call returned (stamp_on_receipt), before any check, so
// verification is never part of a latency. The checks that do run in the round are
// O(1) per message except the payload comparison of sampled messages (one memcmp
// against a reference message, 1 in `stride` messages).
//
// Verification (end_repetition fails the case otherwise): every message is received
// exactly once (per producer: count, sequence numbers in range, and a 64-bit hash sum
// over the stamps, which catches a duplicate paired with a loss), per-producer order
// as seen by each consumer (where the variant promises FIFO per producer), and an
// intact payload (stamps at both ends of every message, every byte of the sampled ones).
//
// A Channel provides:
//   using Message;  Channel(const ChannelConfig&)
//   void send(int sender, const Message&)              blocks until accepted
//   bool try_recv(int receiver, Message&);  void recv(int receiver, Message&)
// and, for variants taking `batch`, send_bulk / try_recv_bulk / recv_bulk.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "families/channel/channel_config.hpp"
#include "families/channel/latency.hpp"
#include "families/channel/message.hpp"
#include "families/family.hpp"
#include "threads/thread_team.hpp"

namespace velo::channel {

// What a consumer saw go wrong first (formatted only in end_repetition: no
// allocation in the measured region).
struct Fault {
  enum Kind { none, unknown_producer, out_of_range, out_of_order, torn, corrupt } kind = none;
  std::uint64_t producer = 0;
  std::uint64_t seq = 0;
  std::uint64_t previous = 0;
  std::string describe(int consumer) const;
};

// A stamp's contribution to the per-producer hash sum (splitmix64's finalizer).
inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

struct WorkloadShape {
  int producers = 1;
  int consumers = 1;
  std::int64_t batch = 1;
  bool fifo_per_producer = true;  // checked per consumer
  ChannelConfig channel;
};

WorkloadShape shape_of(const Params& params, bool fifo_per_producer);
void add_latency_metrics(MetricSink& sink, std::vector<std::int64_t>& samples,
                         const char* p50, const char* p99, const char* p999, const char* max);

// The consumer's clock read: once per receive call, right after it returned, and
// only if some message received is sampled (`sampled(seq)`). Returns the stamp, or
// -1 when nothing was sampled (the clock is then not read). Called before the
// messages are checked, so a latency never includes verification.
template <typename Message, typename Sampled, typename Clock>
std::int64_t stamp_on_receipt(const Message* batch, std::size_t got, Sampled&& sampled, Clock&& clock) {
  for (std::size_t i = 0; i < got; ++i) {
    const std::uint64_t stamp = batch[i].head();
    if (producer_of(stamp) != kStopProducer && sampled(seq_of(stamp))) return clock();
  }
  return -1;
}

template <typename Channel>
class ThroughputWorkload final : public Workload {
 public:
  using Message = typename Channel::Message;

  explicit ThroughputWorkload(const WorkloadShape& shape)
      : shape_(shape),
        channel_(shape.channel),
        producers_(static_cast<std::size_t>(shape.producers)),
        consumers_(static_cast<std::size_t>(shape.consumers)),
        send_ns_(static_cast<std::size_t>(shape.producers * kMaxSamples)),
        recv_ns_(static_cast<std::size_t>(shape.producers * kMaxSamples)),
        team_(shape.producers + shape.consumers, [p = shape.producers](int member) {
          return member < p ? fmt::format("chan-p{}", member) : fmt::format("chan-c{}", member - p);
        }) {
    for (auto& producer : producers_) {
      producer.batch.assign(static_cast<std::size_t>(shape_.batch), Message::filled(0));
    }
    for (auto& consumer : consumers_) {
      consumer.batch.assign(static_cast<std::size_t>(shape_.batch), Message::filled(0));
      consumer.per_producer.resize(producers_.size());
    }
    latencies_.reserve(send_ns_.size());
  }

  double run(std::int64_t ops) override {
    ops_ = ops;
    stride_ = sample_stride(share_of(ops, shape_.producers, 0), kMinStride);
    received_.store(0, std::memory_order_relaxed);
    producers_done_.store(0, std::memory_order_relaxed);
    return team_.run([this](int member) {
      if (member < shape_.producers) {
        produce(member);
      } else {
        consume(member - shape_.producers);
      }
    });
  }

  Status end_repetition(MetricSink& sink, std::int64_t, double) override {
    for (std::size_t c = 0; c < consumers_.size(); ++c) {
      if (consumers_[c].fault.kind != Fault::none) {
        return make_error(consumers_[c].fault.describe(static_cast<int>(c)));
      }
    }
    latencies_.clear();
    for (int p = 0; p < shape_.producers; ++p) {
      const std::int64_t sent = share_of(ops_, shape_.producers, p);
      std::int64_t received = 0;
      std::uint64_t hash = 0;
      for (const auto& consumer : consumers_) {
        received += consumer.per_producer[static_cast<std::size_t>(p)].count;
        hash += consumer.per_producer[static_cast<std::size_t>(p)].hash;
      }
      if (received != sent) {
        return make_error(fmt::format("producer {} sent {} messages but {} were received", p, sent, received));
      }
      std::uint64_t expected = 0;
      for (std::int64_t seq = 0; seq < sent; ++seq) expected += mix(stamp_of(static_cast<std::uint64_t>(p), static_cast<std::uint64_t>(seq)));
      if (hash != expected) {
        return make_error(fmt::format("producer {}: {} messages arrived but not each exactly once "
                                      "(some duplicated, others lost)", p, received));
      }
      const std::size_t base = static_cast<std::size_t>(p * kMaxSamples);
      for (std::int64_t i = 0; i < samples_in(sent, stride_); ++i) {
        const std::size_t at = base + static_cast<std::size_t>(i);
        latencies_.push_back(recv_ns_[at].load(std::memory_order_relaxed) - send_ns_[at]);
      }
    }
    add_latency_metrics(sink, latencies_, "latency_p50_ns", "latency_p99_ns", "latency_p999_ns",
                        "latency_max_ns");
    return {};
  }

  nlohmann::json details() const override {
    return {{"message_bytes", Message::size},
            {"channel_bytes", sizeof(Channel)},
            {"latency_sample_stride_min", kMinStride},
            {"fifo_per_producer_checked", shape_.fifo_per_producer}};
  }

 private:
  static constexpr std::int64_t kMinStride = 64;

  struct alignas(64) Producer {
    std::vector<Message> batch;  // prefilled with the pattern; only stamps change
  };
  struct PerProducer {
    std::int64_t count = 0;
    std::int64_t last_seq = -1;
    std::uint64_t hash = 0;
  };
  struct alignas(64) Consumer {
    std::vector<Message> batch;
    std::vector<PerProducer> per_producer;
    std::int64_t unflushed = 0;  // received but not yet added to received_
    Fault fault;
  };

  bool sampled(std::uint64_t seq) const { return (seq & static_cast<std::uint64_t>(stride_ - 1)) == 0; }
  std::size_t sample_index(std::uint64_t producer, std::uint64_t seq) const {
    return static_cast<std::size_t>(producer) * kMaxSamples + static_cast<std::size_t>(seq) / static_cast<std::size_t>(stride_);
  }

  void produce(int p) {
    Message* batch = producers_[static_cast<std::size_t>(p)].batch.data();
    const auto producer = static_cast<std::uint64_t>(p);
    const std::int64_t mine = share_of(ops_, shape_.producers, p);
    for (std::int64_t seq = 0; seq < mine;) {
      const std::int64_t n = std::min(shape_.batch, mine - seq);
      bool any_sampled = false;
      for (std::int64_t i = 0; i < n; ++i) {
        const auto s = static_cast<std::uint64_t>(seq + i);
        batch[i].stamp(stamp_of(producer, s));
        any_sampled |= sampled(s);
      }
      if (any_sampled) {
        const std::int64_t now = now_ns();
        for (std::int64_t i = 0; i < n; ++i) {
          const auto s = static_cast<std::uint64_t>(seq + i);
          if (sampled(s)) send_ns_[sample_index(producer, s)] = now;
        }
      }
      if (n == 1) {
        channel_.send(p, batch[0]);
      } else {
        if constexpr (requires { channel_.send_bulk(p, batch, 1); }) {
          channel_.send_bulk(p, batch, static_cast<std::size_t>(n));
        } else {
          for (std::int64_t i = 0; i < n; ++i) channel_.send(p, batch[i]);
        }
      }
      seq += n;
    }
    producers_done_.fetch_add(1, std::memory_order_release);
  }

  std::size_t receive(int c, Message* batch, bool block) {
    if constexpr (requires { channel_.recv_bulk(c, batch, 1); }) {
      if (shape_.batch > 1) {
        const auto max = static_cast<std::size_t>(shape_.batch);
        return block ? channel_.recv_bulk(c, batch, max) : channel_.try_recv_bulk(c, batch, max);
      }
    }
    if (block) {
      channel_.recv(c, batch[0]);
      return 1;
    }
    return channel_.try_recv(c, batch[0]) ? 1 : 0;
  }

  void consume(int c) {
    Consumer& self = consumers_[static_cast<std::size_t>(c)];
    for (auto& entry : self.per_producer) entry = PerProducer{};
    self.unflushed = 0;
    self.fault = Fault{};
    const int sender_id = shape_.producers + c;  // when passing stop messages on
    for (;;) {
      std::size_t got = receive(c, self.batch.data(), false);
      if (got == 0) {
        // The channel looks empty: publish this consumer's count.
        if (self.unflushed > 0) {
          const std::int64_t total = received_.fetch_add(self.unflushed, std::memory_order_acq_rel) + self.unflushed;
          self.unflushed = 0;
          if (total >= ops_) {  // > only if a broken channel duplicated messages
            for (int other = 1; other < shape_.consumers; ++other) channel_.send(sender_id, stop_);
            return;
          }
        }
        got = receive(c, self.batch.data(), true);
      }
      const std::int64_t now =
          stamp_on_receipt(self.batch.data(), got, [this](std::uint64_t seq) { return sampled(seq); }, now_ns);
      int stops = 0;
      for (std::size_t i = 0; i < got; ++i) {
        const Message& message = self.batch[i];
        const std::uint64_t stamp = message.head();
        const std::uint64_t producer = producer_of(stamp);
        if (producer == kStopProducer) {
          ++stops;
          continue;
        }
        const std::uint64_t seq = seq_of(stamp);
        if (check(self, message, producer, seq) && sampled(seq)) {
          recv_ns_[sample_index(producer, seq)].store(now, std::memory_order_relaxed);
        }
      }
      self.unflushed += static_cast<std::int64_t>(got) - stops;
      if (stops > 0 && early_stop(self)) continue;
      if (stops > 0) {
        // A bulk receive may take several stops: pass the extra ones on.
        for (int extra = 1; extra < stops; ++extra) channel_.send(sender_id, stop_);
        return;
      }
    }
  }

  // A stop that arrives while a producer is still sending and the total is not
  // reached can only be a plugin channel's watchdog (plugin/channel.cpp) that took
  // a producer starved of CPU for a stall: obeying it would leave that producer
  // blocked on a full channel that no one drains. It is ignored; the watchdog
  // sends another once the channel has really stopped moving. (Consumers stop
  // each other only once the total is reached.)
  bool early_stop(const Consumer& self) const {
    return producers_done_.load(std::memory_order_acquire) < shape_.producers &&
           received_.load(std::memory_order_acquire) + self.unflushed < ops_;
  }

  // Records the message; false if its stamp cannot be trusted to index anything.
  bool check(Consumer& self, const Message& message, std::uint64_t producer, std::uint64_t seq) {
    auto fail = [&](Fault::Kind kind, std::uint64_t previous = 0) {
      if (self.fault.kind == Fault::none) self.fault = Fault{kind, producer, seq, previous};
      return false;
    };
    if (producer >= producers_.size()) return fail(Fault::unknown_producer);
    PerProducer& from = self.per_producer[producer];
    if (static_cast<std::int64_t>(seq) >= share_of(ops_, shape_.producers, static_cast<int>(producer))) {
      return fail(Fault::out_of_range);
    }
    if (!message.ends_agree()) fail(Fault::torn);
    if (shape_.fifo_per_producer && static_cast<std::int64_t>(seq) <= from.last_seq) {
      fail(Fault::out_of_order, static_cast<std::uint64_t>(from.last_seq));
    }
    if (sampled(seq) && !message.same_payload(reference_)) fail(Fault::corrupt);
    from.last_seq = std::max(from.last_seq, static_cast<std::int64_t>(seq));
    ++from.count;
    from.hash += mix(message.head());
    return true;
  }

  WorkloadShape shape_;
  Channel channel_;
  std::vector<Producer> producers_;
  std::vector<Consumer> consumers_;
  std::vector<std::int64_t> send_ns_;               // written by each producer, own range
  std::vector<std::atomic<std::int64_t>> recv_ns_;  // written by whichever consumer got it
  std::vector<std::int64_t> latencies_;
  const Message stop_ = Message::filled(stamp_of(kStopProducer, 0));
  const Message reference_ = Message::filled(0);  // the payload every message carries
  alignas(64) std::atomic<std::int64_t> received_{0};
  std::atomic<int> producers_done_{0};  // producers whose share is sent, this round
  alignas(64) std::int64_t ops_ = 0;
  std::int64_t stride_ = kMinStride;
  ThreadTeam team_;  // last: its threads stop before the channel is destroyed
};

template <typename Channel>
class PingPongWorkload final : public Workload {
 public:
  using Message = typename Channel::Message;

  explicit PingPongWorkload(const WorkloadShape& shape)
      : out_(shape.channel),
        back_(shape.channel),
        rtt_ns_(static_cast<std::size_t>(kMaxSamples)),
        team_(2, [](int member) { return member == 0 ? std::string("chan-ping") : std::string("chan-pong"); }) {
    latencies_.reserve(rtt_ns_.size());
  }

  double run(std::int64_t ops) override {
    ops_ = ops;
    stride_ = sample_stride(ops, kMinStride);
    fault_ = Fault{};
    return team_.run([this](int member) {
      if (member == 0) ping(); else pong();
    });
  }

  Status end_repetition(MetricSink& sink, std::int64_t, double) override {
    if (fault_.kind != Fault::none) return make_error(fault_.describe(0));
    latencies_.assign(rtt_ns_.begin(), rtt_ns_.begin() + samples_in(ops_, stride_));
    add_latency_metrics(sink, latencies_, "rtt_p50_ns", "rtt_p99_ns", nullptr, nullptr);
    return {};
  }

  nlohmann::json details() const override {
    return {{"message_bytes", Message::size},
            {"channel_bytes", sizeof(Channel)},
            {"rtt_sample_stride_min", kMinStride}};
  }

 private:
  static constexpr std::int64_t kMinStride = 8;

  void ping() {
    Message message = Message::filled(0);
    Message reply = Message::filled(0);
    for (std::int64_t i = 0; i < ops_; ++i) {
      const auto seq = static_cast<std::uint64_t>(i);
      message.stamp(stamp_of(0, seq));
      const bool sample = (seq & static_cast<std::uint64_t>(stride_ - 1)) == 0;
      const std::int64_t start = sample ? now_ns() : 0;
      out_.send(0, message);
      back_.recv(0, reply);
      if (sample) rtt_ns_[static_cast<std::size_t>(i / stride_)] = now_ns() - start;
      if (fault_.kind == Fault::none) {
        if (reply.head() != stamp_of(0, seq)) {
          fault_ = Fault{Fault::out_of_order, producer_of(reply.head()), seq_of(reply.head()), seq};
        } else if (!reply.ends_agree()) {
          fault_ = Fault{Fault::torn, 0, seq, 0};
        } else if (sample && !reply.same_payload(reference_)) {
          fault_ = Fault{Fault::corrupt, 0, seq, 0};
        }
      }
    }
  }

  void pong() {
    Message message = Message::filled(0);
    for (std::int64_t i = 0; i < ops_; ++i) {
      out_.recv(0, message);
      back_.send(0, message);
    }
  }

  Channel out_;
  Channel back_;
  std::vector<std::int64_t> rtt_ns_;
  std::vector<std::int64_t> latencies_;
  std::int64_t ops_ = 0;
  std::int64_t stride_ = kMinStride;
  Fault fault_;
  const Message reference_ = Message::filled(0);
  ThreadTeam team_;
};

// The factory for one variant: picks the message type and the pattern.
// `Channel<M>` is the variant's channel for messages of type M.
template <template <typename> class Channel>
WorkloadFactory channel_factory(bool fifo_per_producer) {
  return [fifo_per_producer](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    const WorkloadShape shape = shape_of(params, fifo_per_producer);
    const bool pingpong = params.text("pattern") == "pingpong";
    return with_message_type(params.integer("message_bytes"), [&](auto message) -> std::unique_ptr<Workload> {
      using M = decltype(message);
      if (pingpong) return std::make_unique<PingPongWorkload<Channel<M>>>(shape);
      return std::make_unique<ThroughputWorkload<Channel<M>>>(shape);
    });
  };
}

}  // namespace velo::channel
