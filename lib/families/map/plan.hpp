// What the map workload will do, decided before anything is measured: the key
// table, which keys are prefilled, and for every thread an endless stream of
// operations (kind, key, value) drawn from the requested mix and key distribution.
//
// A stream is counter-based: operation i of thread t is a pure function of
// (seed, t, i), a splitmix64 hash of the counter turned into a kind, a value slot
// and a key (uniform: one multiply; zipf: one rejection-inversion draw, see
// zipfian.hpp). Nothing repeats, so a run of any length touches the key space as
// the distribution says (a pre-drawn ring of 65,536 ops, as before, touched only
// ~6% of a million keys and replayed itself). The price is that generating the op
// is inside the timed loop: MapWorkload measures that cost apart and reports it as
// `keygen_ns_per_op`. Being a pure function, a stream can be replayed outside
// timing to count the distinct keys a repetition touched.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "families/map/zipfian.hpp"

namespace velo::map {

// The mapped type of every variant: `value_bytes` bytes. A write stores a copy of
// one of a few preformed values; a lookup copies the found value out.
using Value = std::string;

enum class OpKind : std::uint8_t { read, write, erase };
inline constexpr int kOpKinds = 3;

struct Op {
  std::uint32_t key;    // index into the key table
  OpKind kind;
  std::uint8_t value;   // which of the thread's preformed values a write stores
};

inline constexpr std::size_t kValuesPerThread = 16;

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang: the high half of a 64x64 product

// The splitmix64 finalizer: a bijection on 64-bit integers.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The key distribution, shared read-only by every thread's stream.
struct KeyDistribution {
  std::uint64_t keys = 1;
  std::optional<Zipfian> zipf;             // unset: uniform
  std::vector<std::uint32_t> rank_to_key;  // zipf_scramble: a permutation; empty: rank = key
};

// One thread's operations. at(i) is cheap (two or three hashes, plus a zipf draw)
// and allocation-free; the percentages are fixed at construction.
class OpStream {
 public:
  OpStream(const KeyDistribution* keys, std::uint64_t seed, int read_pct, int write_pct)
      : keys_(keys), seed_(seed), read_pct_(static_cast<std::uint32_t>(read_pct)),
        read_write_pct_(static_cast<std::uint32_t>(read_pct + write_pct)) {}

  Op at(std::uint64_t i) const {
    std::uint64_t bits = mix64(seed_ + i * kGolden);
    const auto percent = static_cast<std::uint32_t>(((bits & 0xffffffffULL) * 100) >> 32);  // [0, 100)
    Op op{};
    op.kind = percent < read_pct_ ? OpKind::read : percent < read_write_pct_ ? OpKind::write : OpKind::erase;
    op.value = static_cast<std::uint8_t>((bits >> 32) % kValuesPerThread);
    bits = mix64(bits + kGolden);
    if (!keys_->zipf) {
      op.key = static_cast<std::uint32_t>((static_cast<Uint128>(bits) * keys_->keys) >> 64);
      return op;
    }
    for (;;) {  // rejection-inversion: about one attempt per draw
      const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
      if (const std::uint64_t rank = keys_->zipf->try_rank(u)) {
        op.key = keys_->rank_to_key.empty() ? static_cast<std::uint32_t>(rank - 1) : keys_->rank_to_key[rank - 1];
        return op;
      }
      bits = mix64(bits + kGolden);
    }
  }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  const KeyDistribution* keys_;
  std::uint64_t seed_;
  std::uint32_t read_pct_;
  std::uint32_t read_write_pct_;
};

struct Plan {
  std::int64_t prefill_count = 0;                // keys [0, prefill_count) start in the map
  std::unique_ptr<KeyDistribution> keys;         // what the streams point into
  std::vector<OpStream> streams;                 // one per thread
  std::vector<std::vector<Value>> values;        // one set per thread, kValuesPerThread each
};

// The percentages of lookups, writes and erases in a case. A scenario's matrix is
// a cartesian product, so it cannot pair read_pct/write_pct/erase_pct values; the
// `mix` parameter names the usual splits ("99-1-0" = 99% lookups, 1% writes, 0%
// erases) and "custom" (the default) takes the three *_pct parameters.
struct Mix {
  std::int64_t read_pct;
  std::int64_t write_pct;
  std::int64_t erase_pct;
};
Mix mix_of(const Params& params);
inline constexpr const char* kNamedMixes[] = {"99-1-0", "90-9-1", "50-45-5"};

// Builds the per-thread streams from `params` (threads, keys, prefill, the mix,
// distribution, zipf_theta, zipf_scramble). Deterministic: a fixed seed per thread.
Plan make_plan(const Params& params);

// Counts distinct keys: mark() the keys of operations, then count(). Sized for
// the key space once; clear() between repetitions.
class KeySet {
 public:
  explicit KeySet(std::uint64_t keys) : bits_((keys + 63) / 64, 0) {}
  void mark(std::uint32_t key) { bits_[key / 64] |= std::uint64_t{1} << (key % 64); }
  std::uint64_t count() const;
  void clear();

 private:
  std::vector<std::uint64_t> bits_;
};

// Key tables. Key i is a bijective 64-bit mix of i, so keys are distinct and their
// bits look random to every hash function; string keys are that number in hex,
// padded to `key_bytes` (>= 16) with a fixed filler.
std::vector<std::uint64_t> make_u64_keys(std::int64_t count);
std::vector<std::string> make_string_keys(std::int64_t count, std::int64_t key_bytes);

}  // namespace velo::map
