// The map family: every variant behaves exactly like std::unordered_map when used
// from one thread, keeps disjoint threads' keys exact under concurrency, loses no
// insert when threads share keys, and the shared workload verifies sizes exactly.
// sync_map_go1_23's promotion, expunge and reclamation paths and sync_map_trie's
// collision chains, expansion and pruning are driven on purpose.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <set>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "families/map/cuckoo.hpp"
#include "families/map/map.hpp"
#include "families/map/mutex_map.hpp"
#include "families/map/rwlock_map.hpp"
#include "families/map/sharded_flat.hpp"
#include "families/map/sharded_mutex.hpp"
#include "families/map/sharded_rwlock.hpp"
#include "families/map/sync_map_go1_23.hpp"
#include "families/map/sync_map_trie.hpp"
#include "families/map/tbb_hash_map.hpp"
#include "families/map/plan.hpp"
#include "threads/thread_team.hpp"

namespace {

using velo::map::Value;

velo::Params map_params() {
  velo::Params params;
  params.set("shards", std::int64_t{4});  // few shards: more sharing, more contention
  return params;
}

template <typename Key>
Key key_for(std::uint64_t i) {
  if constexpr (std::is_same_v<Key, std::string>) {
    return "key-" + std::to_string(i) + "-padded-beyond-sso";
  } else {
    return i * 0x9e3779b97f4a7c15ULL;
  }
}

// A value whose every byte names its writer, so a torn or mixed value shows.
Value value_for(int writer, int version) { return Value(24, static_cast<char>('A' + (writer * 7 + version) % 50)); }

bool well_formed(const Value& value) {
  return value.size() == 24 && value.find_first_not_of(value[0]) == std::string::npos;
}

// One thread, random operations; every result compared with std::unordered_map.
template <template <typename> class Map, typename Key>
void check_against_model() {
  Map<Key> map(1, 64, map_params());
  std::unordered_map<Key, Value> model;
  std::mt19937_64 rng(42);
  constexpr std::uint64_t kKeys = 300;
  Value out;
  int mismatches = 0;
  for (int step = 0; step < 20000; ++step) {
    const Key key = key_for<Key>(rng() % kKeys);
    const auto kind = rng() % 10;
    if (kind < 4) {
      const auto it = model.find(key);
      const bool found = map.find(0, key, out);
      if (found != (it != model.end()) || (found && out != it->second)) ++mismatches;
    } else if (kind < 8) {
      const Value value = value_for(0, step);
      const bool inserted = map.insert_or_assign(0, key, value);
      if (inserted != model.insert_or_assign(key, value).second) ++mismatches;
    } else {
      if (map.erase(0, key) != (model.erase(key) == 1)) ++mismatches;
    }
    if (step % 1000 == 0 && map.size() != model.size()) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(map.size() == model.size());
  for (std::uint64_t i = 0; i < kKeys; ++i) {
    const Key key = key_for<Key>(i);
    const auto it = model.find(key);
    REQUIRE(map.find(0, key, out) == (it != model.end()));
    if (it != model.end()) CHECK(out == it->second);
  }
}

// Threads own disjoint key ranges, so each can check its own results exactly
// against its own model while all of them hammer the same map.
template <template <typename> class Map, typename Key>
void check_disjoint_threads(int threads) {
  constexpr std::uint64_t kKeysPerThread = 200;
  constexpr int kSteps = 6000;
  Map<Key> map(threads, 64, map_params());
  std::vector<std::unordered_map<Key, Value>> models(static_cast<std::size_t>(threads));
  std::vector<int> mismatches(static_cast<std::size_t>(threads), 0);
  velo::ThreadTeam team(threads);
  team.run([&](int member) {
    auto& model = models[static_cast<std::size_t>(member)];
    std::mt19937_64 rng(static_cast<std::uint64_t>(member) + 7);
    Value out;
    for (int step = 0; step < kSteps; ++step) {
      const Key key = key_for<Key>(static_cast<std::uint64_t>(member) * kKeysPerThread + rng() % kKeysPerThread);
      const auto kind = rng() % 10;
      bool ok = true;
      if (kind < 4) {
        const auto it = model.find(key);
        const bool found = map.find(member, key, out);
        ok = found == (it != model.end()) && (!found || out == it->second);
      } else if (kind < 8) {
        const Value value = value_for(member, step);
        ok = map.insert_or_assign(member, key, value) == model.insert_or_assign(key, value).second;
      } else {
        ok = map.erase(member, key) == (model.erase(key) == 1);
      }
      if (!ok) ++mismatches[static_cast<std::size_t>(member)];
    }
  });
  std::size_t expected_size = 0;
  Value out;
  for (int member = 0; member < threads; ++member) {
    CHECK(mismatches[static_cast<std::size_t>(member)] == 0);
    const auto& model = models[static_cast<std::size_t>(member)];
    expected_size += model.size();
    for (std::uint64_t i = 0; i < kKeysPerThread; ++i) {
      const Key key = key_for<Key>(static_cast<std::uint64_t>(member) * kKeysPerThread + i);
      const auto it = model.find(key);
      REQUIRE(map.find(0, key, out) == (it != model.end()));
      if (it != model.end()) CHECK(out == it->second);
    }
  }
  CHECK(map.size() == expected_size);
}

// Threads fight over a few shared keys: no crash, no torn value, and the size
// equals what the operations' return values imply. Then every thread inserts its
// own new keys while the others keep erasing shared ones: none may be lost.
template <template <typename> class Map, typename Key>
void check_shared_stress(int threads) {
  constexpr std::uint64_t kSharedKeys = 16;
  constexpr std::uint64_t kOwnKeys = 500;
  Map<Key> map(threads, 64, map_params());
  std::vector<std::int64_t> net(static_cast<std::size_t>(threads), 0);
  std::vector<int> torn(static_cast<std::size_t>(threads), 0);
  velo::ThreadTeam team(threads);
  team.run([&](int member) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(member) + 99);
    Value out;
    auto& mine = net[static_cast<std::size_t>(member)];
    for (int step = 0; step < 8000; ++step) {
      const Key key = key_for<Key>(rng() % kSharedKeys);
      const auto kind = rng() % 3;
      if (kind == 0) {
        if (map.find(member, key, out) && !well_formed(out)) ++torn[static_cast<std::size_t>(member)];
      } else if (kind == 1) {
        mine += map.insert_or_assign(member, key, value_for(member, step)) ? 1 : 0;
      } else {
        mine -= map.erase(member, key) ? 1 : 0;
      }
    }
  });
  std::int64_t shared_live = 0;
  for (int member = 0; member < threads; ++member) {
    CHECK(torn[static_cast<std::size_t>(member)] == 0);
    shared_live += net[static_cast<std::size_t>(member)];
  }
  CHECK(static_cast<std::int64_t>(map.size()) == shared_live);

  std::vector<int> inserts_seen_as_existing(static_cast<std::size_t>(threads), 0);
  team.run([&](int member) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(member) + 5);
    for (std::uint64_t i = 0; i < kOwnKeys; ++i) {
      const Key own = key_for<Key>(1000 + static_cast<std::uint64_t>(member) * kOwnKeys + i);
      if (!map.insert_or_assign(member, own, value_for(member, 1))) ++inserts_seen_as_existing[static_cast<std::size_t>(member)];
      map.erase(member, key_for<Key>(rng() % kSharedKeys));
    }
  });
  Value out;
  std::size_t own_present = 0;
  for (int member = 0; member < threads; ++member) {
    CHECK(inserts_seen_as_existing[static_cast<std::size_t>(member)] == 0);
    for (std::uint64_t i = 0; i < kOwnKeys; ++i) {
      const Key own = key_for<Key>(1000 + static_cast<std::uint64_t>(member) * kOwnKeys + i);
      if (map.find(0, own, out) && out == value_for(member, 1)) ++own_present;
    }
  }
  CHECK(own_present == static_cast<std::size_t>(threads) * kOwnKeys);
}

template <template <typename> class Map>
void check_variant() {
  SECTION("u64 keys agree with std::unordered_map") { check_against_model<Map, std::uint64_t>(); }
  SECTION("string keys agree with std::unordered_map") { check_against_model<Map, std::string>(); }
  SECTION("disjoint key ranges stay exact across 3 threads") { check_disjoint_threads<Map, std::uint64_t>(3); }
  SECTION("disjoint string key ranges stay exact across 2 threads") { check_disjoint_threads<Map, std::string>(2); }
  SECTION("shared keys: no torn value, no lost insert") { check_shared_stress<Map, std::uint64_t>(3); }
}

}  // namespace

TEST_CASE("mutex_map", "[map]") { check_variant<velo::map::MutexMap>(); }
TEST_CASE("rwlock_map", "[map]") { check_variant<velo::map::RwlockMap>(); }
TEST_CASE("sharded_mutex", "[map]") { check_variant<velo::map::ShardedMutexMap>(); }
TEST_CASE("sharded_rwlock", "[map]") { check_variant<velo::map::ShardedRwlockMap>(); }
TEST_CASE("sharded_flat", "[map]") { check_variant<velo::map::ShardedFlatMap>(); }
TEST_CASE("tbb_hash_map", "[map]") { check_variant<velo::map::TbbHashMap>(); }
TEST_CASE("cuckoo", "[map]") { check_variant<velo::map::CuckooMap>(); }
TEST_CASE("sync_map_go1_23", "[map]") { check_variant<velo::map::SyncMap>(); }
TEST_CASE("sync_map_trie", "[map]") { check_variant<velo::map::SyncMapTrie>(); }

namespace {

// Only four distinct hashes, differing in their lowest bits: every key shares a
// chain with a quarter of the others, and the trie must expand to its last level
// to separate the chains.
template <typename Key>
struct FourHashes {
  std::uint64_t operator()(const Key& key) const { return std::hash<Key>{}(key) % 4; }
};
template <typename Key>
using CollidingTrie = velo::map::SyncMapTrie<Key, FourHashes<Key>>;

}  // namespace

TEST_CASE("sync_map_trie chains full-hash collisions and expands to the last level", "[map][sync_map_trie]") {
  check_variant<CollidingTrie>();
}

TEST_CASE("sync_map_trie prunes emptied nodes and frees what it unlinked", "[map][sync_map_trie]") {
  CollidingTrie<std::uint64_t> trie(1, 64, map_params());
  CHECK(trie.indirect_nodes() == 1);  // the root
  for (std::uint64_t key = 0; key < 40; ++key) CHECK(trie.insert_or_assign(0, key, value_for(0, 1)));
  // Hashes 0..3 share their top 60 bits: one Indirect per level down to the last.
  CHECK(trie.indirect_nodes() == 16);
  CHECK(trie.size() == 40);
  for (std::uint64_t key = 0; key < 40; ++key) CHECK_FALSE(trie.insert_or_assign(0, key, value_for(0, 2)));
  Value out;
  for (std::uint64_t key = 0; key < 40; ++key) {
    REQUIRE(trie.find(0, key, out));
    CHECK(out == value_for(0, 2));
  }
  for (std::uint64_t key = 0; key < 40; ++key) CHECK(trie.erase(0, key));
  CHECK_FALSE(trie.erase(0, 7));
  CHECK(trie.size() == 0);
  CHECK(trie.indirect_nodes() == 1);  // every emptied node pruned back to the root
  // 40 replaced + 40 erased entries and 15 pruned nodes were retired; with no
  // reader pinned, collecting frees them all.
  for (int i = 0; i < 3; ++i) trie.epochs().collect(0);
  CHECK(trie.epochs().pending(0) == 0);
}

TEST_CASE("sync_map_trie: writers racing on colliding keys lose no insert", "[map][sync_map_trie][concurrency]") {
  // Each thread inserts its own keys into chains shared with the others, then
  // erases half of them while the others insert: the final contents are exact.
  constexpr int kThreads = 3;
  constexpr std::uint64_t kPerThread = 300;
  CollidingTrie<std::uint64_t> trie(kThreads, 64, map_params());
  velo::ThreadTeam team(kThreads);
  team.run([&](int member) {
    for (std::uint64_t i = 0; i < kPerThread; ++i) {
      trie.insert_or_assign(member, static_cast<std::uint64_t>(member) * kPerThread + i, value_for(member, 0));
    }
    for (std::uint64_t i = 0; i < kPerThread; i += 2) trie.erase(member, static_cast<std::uint64_t>(member) * kPerThread + i);
  });
  CHECK(trie.size() == kThreads * kPerThread / 2);
  Value out;
  for (int member = 0; member < kThreads; ++member) {
    for (std::uint64_t i = 0; i < kPerThread; ++i) {
      const bool present = trie.find(0, static_cast<std::uint64_t>(member) * kPerThread + i, out);
      CHECK(present == (i % 2 == 1));
      if (present) CHECK(out == value_for(member, 0));
    }
  }
}

TEST_CASE("sync_map promotes dirty after enough misses and expunges lazily", "[map][sync_map]") {
  velo::map::SyncMap<std::uint64_t> map(1, 0, {});
  const Value v1 = value_for(0, 1), v2 = value_for(0, 2);
  Value out;
  // New keys go to dirty only.
  for (std::uint64_t k = 0; k < 10; ++k) CHECK(map.insert_or_assign(0, k, v1));
  CHECK(map.promotions() == 0);
  // Lookups that miss the snapshot are answered by dirty and counted as misses;
  // the 10th (= dirty's size) promotes dirty to the snapshot.
  for (int miss = 0; miss < 9; ++miss) CHECK(map.find(0, 3, out));
  CHECK(map.promotions() == 0);
  CHECK(map.find(0, 3, out));
  CHECK(map.promotions() == 1);
  CHECK(out == v1);

  // Deleting a snapshot key only clears its entry; the next new key rebuilds dirty
  // and expunges it.
  CHECK(map.erase(0, 0));
  CHECK_FALSE(map.erase(0, 0));
  CHECK(map.expunged_count() == 0);
  CHECK(map.insert_or_assign(0, 100, v1));
  CHECK(map.expunged_count() == 1);
  CHECK_FALSE(map.find(0, 0, out));
  CHECK(map.size() == 10);

  // Storing the expunged key again puts its entry back into dirty.
  CHECK(map.insert_or_assign(0, 0, v2));
  CHECK(map.find(0, 0, out));
  CHECK(out == v2);
  CHECK(map.size() == 11);
  // Overwrite in place through the snapshot: not a new key.
  CHECK_FALSE(map.insert_or_assign(0, 5, v2));

  // A key only in dirty is removed from dirty by erase.
  CHECK(map.insert_or_assign(0, 200, v1));
  CHECK(map.erase(0, 200));
  CHECK_FALSE(map.find(0, 200, out));
  CHECK(map.size() == 11);

  // Promote again; the expunged entry is gone for good, the unexpunged one lives.
  const auto before = map.promotions();
  for (int miss = 0; miss < 20 && map.promotions() == before; ++miss) map.find(0, 999, out);
  CHECK(map.promotions() == before + 1);
  CHECK(map.find(0, 0, out));
  CHECK(out == v2);
  CHECK(map.find(0, 100, out));
  CHECK(map.size() == 11);
  for (std::uint64_t k = 1; k < 10; ++k) CHECK(map.find(0, k, out));
}

TEST_CASE("sync_map frees swapped-out values once no reader can hold them", "[map][sync_map]") {
  velo::map::SyncMap<std::uint64_t> map(2, 0, {});
  Value out;
  map.insert_or_assign(0, 1, value_for(0, 0));
  map.find(0, 1, out);  // one miss = dirty's size: key 1 is promoted to the snapshot
  REQUIRE(map.promotions() == 1);
  for (int i = 0; i < 10000; ++i) map.insert_or_assign(0, 1, value_for(0, i));
  // Participant 1 is quiescent, so epochs advance and old values are freed as we go.
  CHECK(map.epochs().pending(0) < 1000);
  CHECK(map.epochs().epoch() > 0);
}

TEST_CASE("sync_map readers and writers share keys across promotions", "[map][sync_map][concurrency]") {
  // New keys keep dirty amended, absent-key lookups keep promoting it, erases keep
  // entries expunging: every slow path runs concurrently with lock-free readers.
  constexpr int kThreads = 3;
  velo::map::SyncMap<std::uint64_t> map(kThreads, 0, {});
  std::vector<std::int64_t> net(kThreads, 0);
  std::vector<int> torn(kThreads, 0);
  velo::ThreadTeam team(kThreads);
  team.run([&](int member) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(member));
    Value out;
    for (int step = 0; step < 20000; ++step) {
      const std::uint64_t key = rng() % 256;
      switch (rng() % 4) {
        case 0:
        case 1:
          if (map.find(member, key, out) && !well_formed(out)) ++torn[static_cast<std::size_t>(member)];
          break;
        case 2: net[static_cast<std::size_t>(member)] += map.insert_or_assign(member, key, value_for(member, step)); break;
        default: net[static_cast<std::size_t>(member)] -= map.erase(member, key); break;
      }
    }
  });
  std::int64_t live = 0;
  for (int member = 0; member < kThreads; ++member) {
    CHECK(torn[static_cast<std::size_t>(member)] == 0);
    live += net[static_cast<std::size_t>(member)];
  }
  CHECK(static_cast<std::int64_t>(map.size()) == live);
  CHECK(map.promotions() > 0);
  CHECK(map.expunged_count() > 0);
}

namespace {

struct RecordingSink final : velo::MetricSink {
  void add(std::string_view name, double value) override { metrics[std::string(name)] = value; }
  std::map<std::string, double> metrics;
};

velo::Params case_params(const velo::Family& family, const velo::Implementation& impl) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& spec : impl.params) params.set(spec.name, spec.default_value);
  return params;
}

}  // namespace

TEST_CASE("the map workload verifies the size after every run, for every variant", "[map][workload]") {
  const velo::Family family = velo::make_map_family();
  REQUIRE(family.impls.size() == 9);
  for (const auto& impl : family.impls) {
    for (const char* key_type : {"u64", "string"}) {
      DYNAMIC_SECTION(impl.name << " " << key_type) {
        auto params = case_params(family, impl);
        params.set("threads", std::int64_t{2});
        params.set("keys", std::int64_t{500});
        params.set("read_pct", std::int64_t{50});
        params.set("write_pct", std::int64_t{45});
        params.set("erase_pct", std::int64_t{5});
        params.set("distribution", std::string("zipf"));
        params.set("key_type", std::string(key_type));
        params.set("value_bytes", std::int64_t{40});
        REQUIRE_FALSE(family.validate(params));
        auto made = impl.make(params);
        REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
        auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
        CHECK(workload.details()["prefilled_keys"] == 250);
        for (std::int64_t ops : {1, 5, 1000, 30000}) {
          RecordingSink sink;
          workload.begin_repetition();
          CHECK(workload.run(ops) >= 0);
          const velo::Status status = workload.end_repetition(sink, ops, 0);
          INFO((status ? "" : status.error().message));
          CHECK(status.ok());
          for (const auto& [name, value] : sink.metrics) {
            CHECK(family.find_metric(name) != nullptr);
            CHECK(value > 0);
          }
          if (ops == 30000) {
            CHECK(sink.metrics.count("read_p50_ns") == 1);
            CHECK(sink.metrics.count("read_p99_ns") == 1);
            CHECK(sink.metrics.count("write_p50_ns") == 1);
            CHECK(sink.metrics.count("erase_p50_ns") == 1);  // 5% of ~900 samples
          }
          if (ops == 1) {  // one sample is not a quantile
            CHECK(sink.metrics.size() == 2);
            CHECK(sink.metrics.at("distinct_keys") == 1);
            CHECK(sink.metrics.count("keygen_ns_per_op") == 1);
          }
        }
      }
    }
  }
}

TEST_CASE("a read-only mix reports no write or erase latency", "[map][workload]") {
  const velo::Family family = velo::make_map_family();
  const auto* impl = family.find_impl("rwlock_map");
  REQUIRE(impl);
  auto params = case_params(family, *impl);
  params.set("read_pct", std::int64_t{100});
  params.set("write_pct", std::int64_t{0});
  params.set("erase_pct", std::int64_t{0});
  auto made = impl->make(params);
  auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
  RecordingSink sink;
  workload.run(20000);
  REQUIRE(workload.end_repetition(sink, 20000, 0).ok());
  CHECK(sink.metrics.count("read_p50_ns") == 1);
  CHECK(sink.metrics.count("write_p50_ns") == 0);
  CHECK(sink.metrics.count("erase_p99_ns") == 0);
}

TEST_CASE("mixes that do not sum to 100 are rejected", "[map]") {
  const velo::Family family = velo::make_map_family();
  auto params = case_params(family, family.impls.front());
  params.set("read_pct", std::int64_t{90});
  params.set("write_pct", std::int64_t{9});
  params.set("erase_pct", std::int64_t{0});
  const auto problem = family.validate(params);
  REQUIRE(problem);
  CHECK(problem->find("must be 100") != std::string::npos);
}

TEST_CASE("a named mix replaces the three percentages", "[map]") {
  const velo::Family family = velo::make_map_family();
  auto params = case_params(family, family.impls.front());
  params.set("read_pct", std::int64_t{10});  // ignored: the mix is named
  for (const char* name : velo::map::kNamedMixes) {
    params.set("mix", std::string(name));
    CHECK_FALSE(family.validate(params));
  }
  params.set("mix", std::string("50-45-5"));
  const velo::map::Mix mix = velo::map::mix_of(params);
  CHECK(mix.read_pct == 50);
  CHECK(mix.write_pct == 45);
  CHECK(mix.erase_pct == 5);
  params.set("mix", std::string("custom"));
  CHECK(family.validate(params));  // 10 + 9 + 1
}

TEST_CASE("distinct_keys counts exactly the keys a repetition's operations touched", "[map][workload]") {
  const velo::Family family = velo::make_map_family();
  const auto* impl = family.find_impl("mutex_map");
  REQUIRE(impl);
  auto params = case_params(family, *impl);
  params.set("threads", std::int64_t{2});
  params.set("keys", std::int64_t{200});
  auto made = impl->make(params);
  auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
  // The reference: the same streams, replayed here, over the same op ranges
  // (each repetition resumes where the previous one stopped; 7 ops split 4 + 3).
  const velo::map::Plan plan = velo::map::make_plan(params);
  std::vector<std::uint64_t> next(2, 0);
  for (std::int64_t ops : {7, 150, 2}) {
    std::set<std::uint32_t> expected;
    for (int thread = 0; thread < 2; ++thread) {
      const std::int64_t share = ops / 2 + (thread < ops % 2 ? 1 : 0);
      for (std::int64_t i = 0; i < share; ++i) {
        expected.insert(plan.streams[static_cast<std::size_t>(thread)].at(next[static_cast<std::size_t>(thread)]++).key);
      }
    }
    RecordingSink sink;
    workload.begin_repetition();
    workload.run(ops);
    REQUIRE(workload.end_repetition(sink, ops, 0).ok());
    INFO("ops=" << ops);
    CHECK(sink.metrics.at("distinct_keys") == static_cast<double>(expected.size()));
  }
}

TEST_CASE("streams do not repeat: a long run touches more keys than any 65,536-op ring could", "[map][workload]") {
  const velo::Family family = velo::make_map_family();
  const auto* impl = family.find_impl("mutex_map");
  auto params = case_params(family, *impl);
  params.set("keys", std::int64_t{100000});
  params.set("read_pct", std::int64_t{100});
  params.set("write_pct", std::int64_t{0});
  params.set("erase_pct", std::int64_t{0});
  auto made = impl->make(params);
  auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
  RecordingSink sink;
  workload.begin_repetition();
  workload.run(300000);
  REQUIRE(workload.end_repetition(sink, 300000, 0).ok());
  // Uniform: 100000 * (1 - e^-3) = 95021 expected; a ring of 65,536 ops caps it.
  CHECK(sink.metrics.at("distinct_keys") > 90000);
  CHECK(sink.metrics.at("distinct_keys") <= 100000);
}

TEST_CASE("op streams follow the mix and stay in the key space", "[map]") {
  const velo::Family family = velo::make_map_family();
  auto params = case_params(family, family.impls.front());
  params.set("keys", std::int64_t{1000});
  params.set("read_pct", std::int64_t{70});
  params.set("write_pct", std::int64_t{20});
  params.set("erase_pct", std::int64_t{10});
  for (const char* distribution : {"uniform", "zipf"}) {
    params.set("distribution", std::string(distribution));
    const velo::map::Plan plan = velo::map::make_plan(params);
    std::array<int, 3> kinds{};
    constexpr int kOps = 100000;
    for (std::uint64_t i = 0; i < kOps; ++i) {
      const velo::map::Op op = plan.streams[0].at(i);
      CHECK(op.key < 1000);
      CHECK(op.value < velo::map::kValuesPerThread);
      ++kinds[static_cast<std::size_t>(op.kind)];
    }
    INFO(distribution);
    CHECK(kinds[0] / double(kOps) == Approx(0.70).margin(0.01));
    CHECK(kinds[1] / double(kOps) == Approx(0.20).margin(0.01));
    CHECK(kinds[2] / double(kOps) == Approx(0.10).margin(0.01));
    CHECK(plan.streams[0].at(12345).key == plan.streams[0].at(12345).key);  // a pure function
  }
}
