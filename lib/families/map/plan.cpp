#include "families/map/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdio>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>

#include "families/map/zipfian.hpp"

namespace velo::map {

namespace {

constexpr std::uint64_t kSeed = 0x5eed'0f'4a9ULL;

}  // namespace

Mix mix_of(const Params& params) {
  const std::string& mix = params.text("mix");
  if (mix == "custom") {
    return {params.integer("read_pct"), params.integer("write_pct"), params.integer("erase_pct")};
  }
  Mix named{};
  [[maybe_unused]] const int parsed =
      std::sscanf(mix.c_str(), "%ld-%ld-%ld", &named.read_pct, &named.write_pct, &named.erase_pct);
  assert(parsed == 3 && "kNamedMixes entries are R-W-E");
  return named;
}

Plan make_plan(const Params& params) {
  const int threads = static_cast<int>(params.integer("threads"));
  const auto keys = static_cast<std::uint64_t>(params.integer("keys"));
  const auto [read_pct, write_pct, erase_pct] = mix_of(params);
  const std::int64_t value_bytes = params.integer("value_bytes");

  Plan plan;
  plan.prefill_count = std::llround(params.number("prefill") * static_cast<double>(keys));
  plan.keys = std::make_unique<KeyDistribution>();
  plan.keys->keys = keys;

  // Zipf rank -> key index. Scrambled, the hot keys are spread over the key space
  // (and so over prefilled and absent keys alike); unscrambled, the hottest keys are
  // the lowest indices, which are exactly the prefilled ones.
  if (params.text("distribution") == "zipf") {
    plan.keys->zipf.emplace(keys, params.number("zipf_theta"));
    if (params.boolean("zipf_scramble")) {
      std::vector<std::uint32_t>& rank_to_key = plan.keys->rank_to_key;
      rank_to_key.resize(keys);
      std::iota(rank_to_key.begin(), rank_to_key.end(), 0u);
      std::mt19937_64 shuffle_rng(kSeed);
      std::shuffle(rank_to_key.begin(), rank_to_key.end(), shuffle_rng);
    }
  }

  for (int thread = 0; thread < threads; ++thread) {
    plan.streams.emplace_back(plan.keys.get(), mix64(kSeed + static_cast<std::uint64_t>(thread)),
                              static_cast<int>(read_pct), static_cast<int>(write_pct));
    std::vector<Value>& values = plan.values.emplace_back();
    for (std::size_t slot = 0; slot < kValuesPerThread; ++slot) {
      const char fill = static_cast<char>('a' + (static_cast<std::size_t>(thread) * kValuesPerThread + slot) % 26);
      values.emplace_back(static_cast<std::size_t>(value_bytes), fill);
    }
  }
  (void)erase_pct;  // the remainder of 100
  return plan;
}

std::uint64_t KeySet::count() const {
  std::uint64_t n = 0;
  for (std::uint64_t word : bits_) n += static_cast<std::uint64_t>(std::popcount(word));
  return n;
}

void KeySet::clear() { std::fill(bits_.begin(), bits_.end(), 0); }

std::vector<std::uint64_t> make_u64_keys(std::int64_t count) {
  std::vector<std::uint64_t> keys(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = mix64(i);
  return keys;
}

std::vector<std::string> make_string_keys(std::int64_t count, std::int64_t key_bytes) {
  std::vector<std::string> keys;
  keys.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    std::string key = fmt::format("{:016x}", mix64(static_cast<std::uint64_t>(i)));
    key.resize(static_cast<std::size_t>(key_bytes), '.');
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace velo::map
