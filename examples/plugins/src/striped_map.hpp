// A hash map in 64 stripes, each a std::unordered_map under its own mutex: the
// classic lock-striping design (Java's ConcurrentHashMap before Java 8). Takes
// u64 and string keys, so both key types of velo's map family apply.
#pragma once

#include <velo/plugin.hpp>

#include <array>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace examples {

class StripedMap {
 public:
  StripedMap(const velo_map_config&, const velo::plugin::Params&) {}

  bool find(int, std::uint64_t key, std::string& out) { return find_in(u64_, key, out); }
  bool insert_or_assign(int, std::uint64_t key, std::string_view value) { return insert_in(u64_, key, value); }
  bool erase(int, std::uint64_t key) { return erase_in(u64_, key); }
  bool find(int, std::string_view key, std::string& out) { return find_in(strings_, std::string(key), out); }
  bool insert_or_assign(int, std::string_view key, std::string_view value) {
    return insert_in(strings_, std::string(key), value);
  }
  bool erase(int, std::string_view key) { return erase_in(strings_, std::string(key)); }
  std::size_t size() const {
    std::size_t total = 0;
    for (const auto& stripe : u64_) total += stripe.map.size();
    for (const auto& stripe : strings_) total += stripe.map.size();
    return total;
  }

 private:
  static constexpr std::size_t kStripes = 64;
  template <typename Key>
  struct alignas(64) Stripe {
    std::mutex mutex;
    std::unordered_map<Key, std::string> map;
  };
  template <typename Key>
  using Stripes = std::array<Stripe<Key>, kStripes>;

  template <typename Key>
  static Stripe<Key>& stripe_of(Stripes<Key>& stripes, const Key& key) {
    // The high bits: std::hash of an integer is the identity on libstdc++.
    const std::size_t hash = std::hash<Key>{}(key) * 0x9E3779B97F4A7C15ULL;
    return stripes[hash >> 58];
  }
  template <typename Key>
  static bool find_in(Stripes<Key>& stripes, const Key& key, std::string& out) {
    auto& stripe = stripe_of(stripes, key);
    std::lock_guard lock(stripe.mutex);
    auto it = stripe.map.find(key);
    if (it == stripe.map.end()) return false;
    out = it->second;
    return true;
  }
  template <typename Key>
  static bool insert_in(Stripes<Key>& stripes, const Key& key, std::string_view value) {
    auto& stripe = stripe_of(stripes, key);
    std::lock_guard lock(stripe.mutex);
    return stripe.map.insert_or_assign(key, std::string(value)).second;
  }
  template <typename Key>
  static bool erase_in(Stripes<Key>& stripes, const Key& key) {
    auto& stripe = stripe_of(stripes, key);
    std::lock_guard lock(stripe.mutex);
    return stripe.map.erase(key) == 1;
  }

  Stripes<std::uint64_t> u64_;
  Stripes<std::string> strings_;
};

}  // namespace examples
