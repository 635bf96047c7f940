#include <fmt/format.h>

#include "families/map/cuckoo.hpp"
#include "families/map/map.hpp"
#include "families/map/map_workload.hpp"
#include "families/map/mutex_map.hpp"
#include "families/map/rwlock_map.hpp"
#include "families/map/sharded_flat.hpp"
#include "families/map/sharded_mutex.hpp"
#include "families/map/sharded_rwlock.hpp"
#include "families/map/sync_map_go1_23.hpp"
#include "families/map/sync_map_trie.hpp"
#include "families/map/tbb_hash_map.hpp"

namespace velo {

namespace {

std::vector<ParamSpec> shard_params() {
  return {{.name = "shards", .type = ParamType::integer, .default_value = std::int64_t{64},
           .doc = "independent maps, each with its own lock on its own cache line", .min = 1, .max = 65536}};
}

std::vector<MetricSpec> latency_metrics() {
  std::vector<MetricSpec> specs;
  for (const char* kind : {"read", "write", "erase"}) {
    for (const auto& [quantile, label] : {std::pair{"p50", "median"}, std::pair{"p99", "99th percentile"}}) {
      specs.push_back({.name = fmt::format("{}_{}_ns", kind, quantile),
                       .unit = "ns",
                       .better = Better::lower,
                       .doc = fmt::format("{} latency of one sampled {} operation (includes one clock read)",
                                          label, kind)});
    }
  }
  return specs;
}

}  // namespace

Family make_map_family() {
  using map::factory_for;
  Family family;
  family.name = "map";
  family.doc = "concurrent maps under read/write/erase mixes: locks, sharding, Go's sync.Map (both designs), TBB, cuckoo";
  family.op = "one map operation: a lookup, an insert-or-assign or an erase, drawn from the mix";
  family.params = {
      {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "threads operating on the map at once", .min = 1, .max = 1024},
      {.name = "keys", .type = ParamType::integer, .default_value = std::int64_t{1000},
       .doc = "size of the key space operations draw from", .min = 1, .max = 50'000'000},
      {.name = "prefill", .type = ParamType::number, .default_value = 0.5,
       .doc = "fraction of the key space inserted before the first run", .min = 0.0, .max = 1.0},
      {.name = "mix", .type = ParamType::choice, .default_value = std::string("custom"),
       .doc = "lookup-write-erase percentages, e.g. 90-9-1; custom = read_pct/write_pct/erase_pct",
       .choices = {"custom", map::kNamedMixes[0], map::kNamedMixes[1], map::kNamedMixes[2]}},
      {.name = "read_pct", .type = ParamType::integer, .default_value = std::int64_t{90},
       .doc = "percent of operations that are lookups (with mix = custom)", .unit = "%", .min = 0, .max = 100},
      {.name = "write_pct", .type = ParamType::integer, .default_value = std::int64_t{9},
       .doc = "percent of operations that insert or overwrite (with mix = custom)", .unit = "%", .min = 0, .max = 100},
      {.name = "erase_pct", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "percent of operations that erase (with mix = custom)", .unit = "%", .min = 0, .max = 100},
      {.name = "distribution", .type = ParamType::choice, .default_value = std::string("uniform"),
       .doc = "how keys are drawn: uniform, or zipfian (exact: rejection-inversion, Hörmann and Derflinger 1996)",
       .choices = {"uniform", "zipf"}},
      {.name = "zipf_theta", .type = ParamType::number, .default_value = 0.99,
       .doc = "zipf skew: 0 = uniform, 0.99 = YCSB's default", .min = 0.0, .max = 0.999},
      {.name = "zipf_scramble", .type = ParamType::boolean, .default_value = true,
       .doc = "spread the hot keys over the key space (false: the hottest keys are the prefilled ones)"},
      {.name = "key_type", .type = ParamType::choice, .default_value = std::string("u64"),
       .doc = "u64 keys, or strings of key_bytes", .choices = {"u64", "string"}},
      {.name = "key_bytes", .type = ParamType::bytes, .default_value = std::int64_t{16},
       .doc = "length of string keys (16 and up: heap-allocated in libstdc++)", .unit = "B", .min = 16,
       .max = 4096},
      {.name = "value_bytes", .type = ParamType::bytes, .default_value = std::int64_t{8},
       .doc = "bytes of each value; lookups copy the value out", .unit = "B", .min = 1, .max = 1 << 20},
  };
  family.metrics = {
      {.name = "distinct_keys", .unit = "keys", .better = Better::higher,
       .doc = "distinct keys the repetition's operations touched, all threads (counted outside timing)"},
      {.name = "keygen_ns_per_op", .unit = "ns", .better = Better::lower,
       .doc = "cost of generating one op (kind, key, value) from the counter-based stream, measured apart; "
              "it is inside ns_per_op"},
  };
  for (auto& spec : latency_metrics()) family.metrics.push_back(std::move(spec));
  family.validate = [](const Params& params) -> std::optional<std::string> {
    const map::Mix mix = map::mix_of(params);
    const std::int64_t sum = mix.read_pct + mix.write_pct + mix.erase_pct;
    if (sum != 100) {
      return fmt::format("read_pct + write_pct + erase_pct must be 100, not {} ({} + {} + {})", sum, mix.read_pct,
                         mix.write_pct, mix.erase_pct);
    }
    return std::nullopt;
  };
  family.impls = {
      {.name = "mutex_map", .doc = "std::unordered_map under one std::mutex",
       .make = factory_for<map::MutexMap>()},
      {.name = "rwlock_map", .doc = "std::unordered_map under one std::shared_mutex (Go's RWMutex map)",
       .make = factory_for<map::RwlockMap>()},
      {.name = "sharded_mutex", .doc = "`shards` std::unordered_maps, each under its own padded std::mutex",
       .params = shard_params(), .make = factory_for<map::ShardedMutexMap>()},
      {.name = "sharded_rwlock", .doc = "`shards` std::unordered_maps, each under its own padded std::shared_mutex",
       .params = shard_params(), .make = factory_for<map::ShardedRwlockMap>()},
      {.name = "sharded_flat", .doc = "`shards` absl::flat_hash_maps, each under its own padded std::mutex",
       .params = shard_params(), .make = factory_for<map::ShardedFlatMap>()},
      {.name = "tbb_hash_map", .doc = "oneTBB tbb::concurrent_hash_map (per-bucket reader-writer locks)",
       .make = factory_for<map::TbbHashMap>()},
      {.name = "cuckoo", .doc = "libcuckoo cuckoohash_map (concurrent cuckoo hashing, striped spinlocks)",
       .make = factory_for<map::CuckooMap>()},
      {.name = "sync_map_go1_23",
       .doc = "Go 1.9-1.23 sync.Map: read/dirty/misses/expunged (lock-free read snapshot + dirty map under a mutex)",
       .make = factory_for<map::SyncMap>()},
      {.name = "sync_map_trie",
       .doc = "Go 1.24+ sync.Map: concurrent hash-trie (lock-free reads, per-node mutex, 16-way fan-out)",
       .make = factory_for<map::SyncMapTrie>()},
  };
  return family;
}

}  // namespace velo
