// The workload every map variant shares. A team of `threads` threads walks its
// endless counter-based stream of operations (plan.hpp); one op is one map
// operation, preceded by generating it (measured apart: keygen_ns_per_op):
//   read   find the key and copy its value out,
//   write  insert the key or overwrite its value (insert_or_assign),
//   erase  remove the key if present.
// The map lives across runs (it is prefilled once, in the constructor), and each
// thread resumes its stream where the previous run stopped. After each run, and
// outside timing, the streams are replayed over the operations that run made to
// count the distinct keys it touched (`distinct_keys`).
//
// Verification: every thread counts the net effect of its own operations from
// their return values (+1 for a write that inserted a new key, -1 for an erase
// that removed one). After each run the map must hold exactly
//   prefill + sum of those counts
// keys, or the case fails: a map that loses an insert or double-counts an erase
// never reports a speed. Then the value audit (value_audit.hpp) checks a few keys
// one by one for the value last written: a map that keeps or serves a stale value,
// or another key's, fails the case too (in the time mode only: when counting
// instructions the audit would change what the next replay meets).
//
// A Map provides (the ConcurrentMap concept below):
//   Map(int threads, std::size_t expected_keys, const Params&)
//   bool find(int thread, const Key&, Value& out)            true if found; copies the value
//   bool insert_or_assign(int thread, const Key&, const Value&)  true if the key was new
//   bool erase(int thread, const Key&)                       true if the key was present
//   std::size_t size() const                                 only while no operation runs
// `thread` is the caller's team member index, unique among concurrent callers
// (the sync_map variants keep per-thread reclamation state by it; the others ignore it).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "families/family.hpp"
#include "families/map/latency_sampler.hpp"
#include "families/map/plan.hpp"
#include "families/map/value_audit.hpp"
#include "families/repeatable_work.hpp"
#include "threads/thread_team.hpp"

namespace velo::map {

template <typename M, typename Key>
concept ConcurrentMap = requires(M map, const M& cmap, int thread, const Key& key, const Value& value, Value& out) {
  { map.find(thread, key, out) } -> std::same_as<bool>;
  { map.insert_or_assign(thread, key, value) } -> std::same_as<bool>;
  { map.erase(thread, key) } -> std::same_as<bool>;
  { cmap.size() } -> std::same_as<std::size_t>;
};

// The median cost of one steady_clock read (measured over back-to-back pairs):
// what timing a sample adds to it.
double clock_overhead_ns();

template <typename Key>
std::vector<Key> make_keys(const Params& params) {
  if constexpr (std::same_as<Key, std::string>) {
    return make_string_keys(params.integer("keys"), params.integer("key_bytes"));
  } else {
    return make_u64_keys(params.integer("keys"));
  }
}

template <typename Map, typename Key>
  requires ConcurrentMap<Map, Key>
class MapWorkload final : public Workload, public RepeatableWork {
 public:
  explicit MapWorkload(const Params& params)
      : threads_(static_cast<int>(params.integer("threads"))),
        keys_(make_keys<Key>(params)),
        plan_(make_plan(params)),
        map_(threads_, keys_.size(), params),
        members_(static_cast<std::size_t>(threads_)),
        touched_(keys_.size()),
        clock_overhead_ns_(clock_overhead_ns()),
        keygen_ns_per_op_(keygen_ns_per_op(plan_.streams[0])),
        audit_(static_cast<std::size_t>(params.integer("value_bytes")), threads_, &plan_.values),
        team_(threads_, [](int member) { return fmt::format("map-{}", member); }) {
    const Value& initial = plan_.values[0][0];
    for (std::int64_t i = 0; i < plan_.prefill_count; ++i) {
      map_.insert_or_assign(0, keys_[static_cast<std::size_t>(i)], initial);
    }
    for (std::size_t m = 0; m < members_.size(); ++m) {
      members_[m].stream = &plan_.streams[m];
      members_[m].values = plan_.values[m].data();
      members_[m].out.reserve(plan_.values[m][0].size());
    }
  }

  double run(std::int64_t ops) override {
    for (int m = 0; m < threads_; ++m) {
      members_[static_cast<std::size_t>(m)].sampler.start_run(share_of(ops, threads_, m));
    }
    // Counting: no latency samples (a simulator's timings mean nothing, and each one
    // would put two clock reads into the counted region).
    if (replay_) return team_.run([&](int member) { work<false>(member, share_of(ops, threads_, member)); });
    return team_.run([&](int member) { work<true>(member, share_of(ops, threads_, member)); });
  }

  void begin_repetition() override {
    for (auto& member : members_) {
      member.sampler.clear();
      // Counting: every repetition replays the same operations. After the first (the
      // unrecorded warm-up) the keys they touch end each replay as the last operation
      // on them left them, so every replay meets the same map contents.
      if (replay_) member.next = 0;
      member.first = member.next;
    }
  }

  // Counting (families/repeatable_work.hpp): replay, and sample no latencies.
  void repeat_same_work() override { replay_ = true; }

  Status end_repetition(MetricSink& sink, std::int64_t, double) override {
    std::int64_t expected = plan_.prefill_count;
    for (const auto& member : members_) expected += member.net_inserted;
    const std::size_t size = map_.size();
    if (static_cast<std::int64_t>(size) != expected) {
      return make_error(fmt::format(
          "the map holds {} keys but its operations imply {} (prefill {} + net inserts {})", size,
          expected, plan_.prefill_count, expected - plan_.prefill_count));
    }
    // Not when counting: the audit's writes and its erase and re-insert change the
    // map the next replay meets (node placement, chain order), so the counts would
    // differ between repetitions. The count check above still runs; the value audit
    // runs in the time mode.
    if (!replay_) {
      if (auto error = audit_.audit(map_, keys_, audit_.pick(recent_keys(), keys_.size()))) return make_error(*error);
    }
    sink.add("distinct_keys", static_cast<double>(distinct_keys_touched()));
    sink.add("keygen_ns_per_op", keygen_ns_per_op_);
    report_latency(sink, OpKind::read, "read");
    report_latency(sink, OpKind::write, "write");
    report_latency(sink, OpKind::erase, "erase");
    return {};
  }

  nlohmann::json details() const override {
    return {{"prefilled_keys", plan_.prefill_count},
            {"op_stream", "counter-based: op i of thread t = splitmix64(seed(t) + i * golden), generated in the "
                          "timed loop (keygen_ns_per_op)"},
            {"keygen_ns_per_op", keygen_ns_per_op_},
            {"clock_overhead_ns", clock_overhead_ns_}};
  }

  // The keys of each thread's last few operations, most recent first, threads
  // interleaved: where a per-thread cache would still hold a value.
  std::vector<std::uint32_t> recent_keys() const {
    constexpr std::uint64_t kPerThread = 4;
    std::vector<std::uint32_t> keys;
    for (std::uint64_t back = 1; back <= kPerThread; ++back) {
      for (const auto& member : members_) {
        if (member.next - member.first >= back) keys.push_back(member.stream->at(member.next - back).key);
      }
    }
    return keys;
  }

  // Distinct keys the operations of the last repetition touched, all threads
  // together: a replay of each stream over [first, next). Outside timing.
  std::uint64_t distinct_keys_touched() {
    touched_.clear();
    for (const auto& member : members_) {
      for (std::uint64_t i = member.first; i < member.next; ++i) touched_.mark(member.stream->at(i).key);
    }
    return touched_.count();
  }

 private:
  // Quantiles from fewer samples than this are noise, so they are not reported.
  static constexpr std::size_t kMinSamplesP50 = 10;
  static constexpr std::size_t kMinSamplesP99 = 100;

  // The cost of generating one op (min over a few batches; outside timing), which
  // the timed loop pays on top of the map operation.
  static double keygen_ns_per_op(const OpStream& stream) {
    constexpr std::uint64_t kBatch = 1 << 16;
    double best = 1e300;
    std::uint64_t sink = 0;
    for (std::uint64_t batch = 0; batch < 5; ++batch) {
      const auto start = std::chrono::steady_clock::now();
      for (std::uint64_t i = batch * kBatch; i < (batch + 1) * kBatch; ++i) {
        const Op op = stream.at(i);
        sink += op.key + op.value + static_cast<std::uint64_t>(op.kind);
      }
      const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
      best = std::min(best, took.count() / static_cast<double>(kBatch));
    }
    asm volatile("" : : "r"(sink));
    return best;
  }

  struct alignas(64) Member {
    const OpStream* stream = nullptr;
    const Value* values = nullptr;
    std::uint64_t next = 0;   // index of the next op in the stream
    std::uint64_t first = 0;  // index of the repetition's first op
    std::int64_t net_inserted = 0;
    Value out;  // lookups copy here; reserved, so a copy never allocates
    LatencySampler sampler;
  };

  template <bool kSampleLatency>
  void work(int member_index, std::int64_t ops) {
    Member& member = members_[static_cast<std::size_t>(member_index)];
    for (std::int64_t i = 0; i < ops; ++i) {
      const Op op = member.stream->at(member.next++);
      if (!kSampleLatency || !member.sampler.due()) {
        perform(member_index, member, op);
      } else {
        const auto start = std::chrono::steady_clock::now();
        perform(member_index, member, op);
        member.sampler.record(op.kind, std::chrono::steady_clock::now() - start);
      }
    }
  }

  void perform(int member_index, Member& member, const Op op) {
    const Key& key = keys_[op.key];
    switch (op.kind) {
      case OpKind::read:
        map_.find(member_index, key, member.out);
        break;
      case OpKind::write:
        member.net_inserted += map_.insert_or_assign(member_index, key, member.values[op.value]) ? 1 : 0;
        break;
      case OpKind::erase:
        member.net_inserted -= map_.erase(member_index, key) ? 1 : 0;
        break;
    }
  }

  void report_latency(MetricSink& sink, OpKind kind, std::string_view name) {
    std::vector<std::int64_t> all;
    for (const auto& member : members_) {
      const auto& samples = member.sampler.samples(kind);
      all.insert(all.end(), samples.begin(), samples.end());
    }
    if (all.size() >= kMinSamplesP50) {
      sink.add(fmt::format("{}_p50_ns", name), static_cast<double>(quantile(all, 0.50)));
    }
    if (all.size() >= kMinSamplesP99) {
      sink.add(fmt::format("{}_p99_ns", name), static_cast<double>(quantile(all, 0.99)));
    }
  }

  int threads_;
  std::vector<Key> keys_;
  Plan plan_;
  Map map_;
  std::vector<Member> members_;
  KeySet touched_;
  double clock_overhead_ns_;
  double keygen_ns_per_op_;
  ValueAudit audit_;
  bool replay_ = false;  // repeat_same_work(): each repetition from op 0 of the streams
  ThreadTeam team_;  // last: its threads stop before anything they use is destroyed
};

// The factory for a map template: picks the key type the case asks for.
template <template <typename> class Map>
WorkloadFactory factory_for() {
  return [](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    if (params.text("key_type") == "string") {
      return std::make_unique<MapWorkload<Map<std::string>, std::string>>(params);
    }
    return std::make_unique<MapWorkload<Map<std::uint64_t>, std::uint64_t>>(params);
  };
}

}  // namespace velo::map
