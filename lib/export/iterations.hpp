// The operation count Google Benchmark used for repetition `r` of a case, from its
// details.iterations (1 when the report lacks it). A report may come from anywhere:
// a value that is not a positive integer reads as absent instead of throwing.
#pragma once

#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace velo::exporter {

inline long long iterations_of(const nlohmann::json& details, std::size_t r) {
  if (!details.is_object()) return 1;
  const auto it = details.find("iterations");
  if (it == details.end() || !it->is_array() || r >= it->size()) return 1;
  const nlohmann::json& count = (*it)[r];
  if (!count.is_number_integer() || count.get<std::int64_t>() < 1) return 1;
  return count.get<std::int64_t>();
}

}  // namespace velo::exporter
