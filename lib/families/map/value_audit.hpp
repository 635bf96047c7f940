// The value audit: after every repetition, outside timing, the map workload checks
// that the map returns the value last written, not only the right number of keys.
// The count check (map_workload.hpp) cannot see a map that keeps an old value on
// insert_or_assign, serves lookups from a cache that a write does not invalidate,
// returns another key's value or still finds an erased key: its counts are right.
//
// Design: the stale-read check of a model-based map test (tests/families/map/
// map_test.cpp compares every lookup with std::unordered_map), cut down to a few
// keys per repetition so it costs nothing that matters. For each audited key K, on
// the workload's own thread, while the team is idle:
//   1. find(reader, K)                      remember the value (or absence); a value
//                                           must be one the workload writes
//   2. insert_or_assign(reader, K, V(K, n)) must return "new" exactly when K was absent
//   3. find(reader, K)                      must return V(K, n)
//   4. insert_or_assign(writer, K, V(K, n+1)) must return "replaced"
//   5. find(reader, K)                      must return V(K, n+1); V(K, n) is a stale value
//   6. erase(writer, K)                     must return "removed"
//   7. find(reader, K)                      must find nothing
//   8. insert_or_assign(reader, K, old)     restores K as it was (net effect zero)
// V(K, n) is value_bytes bytes derived from (key index, version n), so a value from
// another key or an older version is told apart and named in the message. The
// reader is thread 0 and the writer thread 1 (when the case has two threads): a
// per-thread read cache that another thread's write leaves stale is caught too.
// The audited keys are those the threads operated on last (where a cache would
// be warm) and a few spread over the key space, different every repetition.
//
// Cost: at most 8 map operations per audited key and kKeysPerRepetition keys, after
// the repetition's timed run, outside the allocation and profiling brackets;
// nothing in the timed loop changes.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "families/map/plan.hpp"

namespace velo::map {

class ValueAudit {
 public:
  static constexpr std::size_t kKeysPerRepetition = 16;

  ValueAudit(std::size_t value_bytes, int threads, const std::vector<std::vector<Value>>* written)
      : value_bytes_(value_bytes), writer_(threads > 1 ? 1 : 0), written_(written) {}

  // Audits `key_indices` (into `keys`); the first violation, or nothing.
  template <typename Map, typename Key>
  std::optional<std::string> audit(Map& map, const std::vector<Key>& keys, const std::vector<std::uint32_t>& key_indices) {
    for (const std::uint32_t index : key_indices) {
      if (auto error = audit_one(map, keys[index], index)) return error;
    }
    return std::nullopt;
  }

  // The keys to audit after a repetition: each thread's last keys, then keys spread
  // over the key space, rotating from one repetition to the next.
  std::vector<std::uint32_t> pick(const std::vector<std::uint32_t>& recent, std::uint64_t key_count) {
    std::vector<std::uint32_t> keys;
    for (const std::uint32_t key : recent) {
      if (keys.size() == kKeysPerRepetition / 2) break;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    while (keys.size() < kKeysPerRepetition && keys.size() < key_count) {
      const auto key = static_cast<std::uint32_t>(mix64(++spread_) % key_count);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    return keys;
  }

 private:
  static constexpr int kReader = 0;

  template <typename Key>
  static std::string describe_key(const Key& key, std::uint32_t index) {
    if constexpr (std::is_same_v<Key, std::string>) {
      return fmt::format("key \"{}\" (index {})", key, index);
    } else {
      return fmt::format("key {:#018x} (index {})", key, index);
    }
  }

  // value_bytes bytes from (key index, version); differs from version - 1's.
  Value value_of(std::uint32_t index, std::uint64_t version) const {
    Value value(value_bytes_, '\0');
    std::uint64_t word = mix64((static_cast<std::uint64_t>(index) << 32) ^ mix64(version));
    for (std::size_t at = 0; at < value.size(); at += sizeof word) {
      std::memcpy(value.data() + at, &word, std::min(sizeof word, value.size() - at));
      word = mix64(word);
    }
    return value;
  }

  // A fresh version for key `index` whose value differs from `other`.
  std::uint64_t next_version(std::uint32_t index, const Value& other) {
    do {
      ++version_;
    } while (value_of(index, version_) == other);
    return version_;
  }

  static std::string bytes_of(const Value& value) {
    std::string hex;
    for (std::size_t i = 0; i < std::min<std::size_t>(value.size(), 16); ++i) {
      hex += fmt::format("{:02x}", static_cast<unsigned char>(value[i]));
    }
    return fmt::format("{} bytes {}{}", value.size(), hex, value.size() > 16 ? "..." : "");
  }

  // What a found value is, as far as the audit can tell.
  std::string name_value(const Value& got, std::uint32_t index, const std::optional<Value>& before,
                         std::uint64_t older, std::uint64_t newer) const {
    if (older != 0 && got == value_of(index, older)) {
      return fmt::format("the value of version {} (a stale value, replaced since)", older);
    }
    if (newer != 0 && got == value_of(index, newer)) return fmt::format("the value of version {}", newer);
    if (before && got == *before) return "the value the key held before the audit (a stale value)";
    return fmt::format("a value no one wrote to this key ({})", bytes_of(got));
  }

  bool written_by_workload(const Value& value) const {
    for (const auto& set : *written_) {
      if (std::find(set.begin(), set.end(), value) != set.end()) return true;
    }
    return false;
  }

  template <typename Map, typename Key>
  std::optional<std::string> audit_one(Map& map, const Key& key, std::uint32_t index) {
    const std::string who = describe_key(key, index);
    auto fail = [&](std::string what) { return fmt::format("value check, {}: {}", who, what); };

    std::optional<Value> before;
    got_.clear();
    if (map.find(kReader, key, got_)) {
      if (!written_by_workload(got_)) {
        return fail(fmt::format("find returned a value no operation wrote ({}; every value is {} bytes of one "
                                "of the workload's preformed values)", bytes_of(got_), value_bytes_));
      }
      before = got_;
    }

    const std::uint64_t first = next_version(index, before.value_or(Value()));
    if (map.insert_or_assign(kReader, key, value_of(index, first)) != !before.has_value()) {
      return fail(before ? "insert_or_assign returned 'new key' for a key find had just found"
                         : "insert_or_assign returned 'replaced' for a key find did not find");
    }
    got_.clear();
    if (!map.find(kReader, key, got_)) return fail("find did not find the key insert_or_assign had just written");
    if (got_ != value_of(index, first)) {
      return fail(fmt::format("find after insert_or_assign(version {}) returned {}, expected version {}", first,
                              name_value(got_, index, before, 0, 0), first));
    }

    const std::uint64_t second = next_version(index, value_of(index, first));
    if (map.insert_or_assign(writer_, key, value_of(index, second))) {
      return fail("insert_or_assign returned 'new key' for a key the map holds");
    }
    got_.clear();
    if (!map.find(kReader, key, got_)) return fail("find did not find the key after insert_or_assign replaced its value");
    if (got_ != value_of(index, second)) {
      return fail(fmt::format("find after insert_or_assign(version {}) returned {}, expected version {}", second,
                              name_value(got_, index, before, first, 0), second));
    }

    if (!map.erase(writer_, key)) return fail("erase returned 'absent' for a key the map holds");
    got_.clear();
    if (map.find(kReader, key, got_)) {
      return fail(fmt::format("find after erase still returned {}", name_value(got_, index, before, first, second)));
    }

    if (before && !map.insert_or_assign(kReader, key, *before)) {
      return fail("insert_or_assign returned 'replaced' for a key erase had just removed");
    }
    return std::nullopt;
  }

  std::size_t value_bytes_;
  int writer_;
  const std::vector<std::vector<Value>>* written_;  // the workload's preformed values, per thread
  std::uint64_t version_ = 0;
  std::uint64_t spread_ = 0;
  Value got_;
};

}  // namespace velo::map
