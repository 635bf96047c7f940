#include <fmt/format.h>

#include "core/host.hpp"
#include "core/text.hpp"
#include "families/cacheline/aos_soa.hpp"
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/field_order.hpp"
#include "families/cacheline/hot_cold.hpp"
#include "families/cacheline/scan_workload.hpp"
#include "hwcounters/counts.hpp"

namespace velo {

namespace cacheline {

namespace {

bool is_one_of(std::int64_t value, std::initializer_list<std::int64_t> allowed) {
  for (auto a : allowed) {
    if (value == a) return true;
  }
  return false;
}

// "32KiB", "2.5MiB": sizes in tables and descriptions.
std::string human_bytes(double bytes) {
  static constexpr std::pair<double, std::string_view> units[] = {
      {1024.0 * 1024 * 1024, "GiB"}, {1024.0 * 1024, "MiB"}, {1024.0, "KiB"}};
  for (auto [factor, name] : units) {
    if (bytes >= factor) return fmt::format("{:.3g}{}", bytes / factor, name);
  }
  return fmt::format("{:.3g}B", bytes);
}

}  // namespace

ParamSpec threads_param() {
  return {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1},
          .doc = "threads, each incrementing its own counter (or the shared one)", .min = 1, .max = 256};
}

ParamSpec elements_param() {
  return {.name = "elements", .type = ParamType::integer, .default_value = std::int64_t{4096},
          .doc = "records in the array: size it to land in L1, L2, LLC or DRAM", .min = 1,
          .max = std::int64_t{1} << 28};
}

std::vector<ParamSpec> field_order_params() {
  return {elements_param(),
          {.name = "fields_read", .type = ParamType::integer, .default_value = std::int64_t{1},
           .doc = "fields read per record: 1 = id, 2 = id and count", .min = 1, .max = 2}};
}

std::vector<ParamSpec> aos_soa_params() {
  return {elements_param(),
          {.name = "fields_total", .type = ParamType::integer, .default_value = std::int64_t{8},
           .doc = "32-bit fields per particle: 4, 8 or 16", .min = 4, .max = 16},
          {.name = "fields_read", .type = ParamType::integer, .default_value = std::int64_t{1},
           .doc = "fields the loop reads per particle: 1, 2, 4, 8 or 16 (at most fields_total)",
           .min = 1, .max = 16}};
}

std::optional<std::string> aos_soa_unsupported(const Params& params) {
  if (params.integer("fields_read") > params.integer("fields_total")) {
    return fmt::format("fields_read={} is more than the particle's fields_total={}",
                       params.integer("fields_read"), params.integer("fields_total"));
  }
  return std::nullopt;
}

std::vector<ParamSpec> hot_cold_params() {
  return {elements_param(),
          {.name = "cold_bytes", .type = ParamType::bytes, .default_value = std::int64_t{112},
           .doc = "bytes of cold fields per record: 48, 112 or 240 (inline records of 64, 128, 256 B)",
           .unit = "B", .min = 48, .max = 240}};
}

std::vector<FieldLayout> hot_field_layouts(std::size_t base) {
  return {{.name = "key", .type = "uint64_t", .offset = base + offsetof(HotFields, key), .size = 8},
          {.name = "score", .type = "uint32_t", .offset = base + offsetof(HotFields, score), .size = 4},
          {.name = "flags", .type = "uint32_t", .offset = base + offsetof(HotFields, flags), .size = 4}};
}

std::vector<FieldLayout> cold_field_layouts(std::size_t base, std::size_t cold_bytes) {
  return {{.name = "name[32]", .type = "char", .offset = base, .size = 32},
          {.name = fmt::format("notes[{}]", cold_bytes - 32), .type = "char", .offset = base + 32,
           .size = cold_bytes - 32}};
}

nlohmann::json working_set_details(std::size_t elements, double bytes_per_element,
                                   double useful_bytes_per_element, std::size_t footprint_bytes) {
  const auto caches = read_cpu_caches();
  const double touched = static_cast<double>(elements) * bytes_per_element;
  const std::string level = cache_level_for(static_cast<std::int64_t>(touched), caches);
  std::vector<std::string> sizes;
  for (const auto& cache : caches) {
    sizes.push_back(fmt::format("{} {}", cache.level == 1 ? std::string("L1d") : fmt::format("L{}", cache.level),
                                human_bytes(static_cast<double>(cache.size_bytes))));
  }
  const std::string where = level == "DRAM" ? "spills to DRAM" : "fits in " + level;
  return {
      {"elements", elements},
      {"bytes_per_element", bytes_per_element},
      {"useful_bytes_per_element", useful_bytes_per_element},
      {"touched_bytes", touched},
      {"footprint_bytes", footprint_bytes},
      {"cache_level", level},
      {"description",
       fmt::format("{} elements: the scan touches {} of cache lines per pass ({} B per element, {} B "
                   "of it read; {} allocated), which {} (caches here: {})",
                   elements, human_bytes(touched), bytes_per_element, useful_bytes_per_element,
                   human_bytes(static_cast<double>(footprint_bytes)), where,
                   sizes.empty() ? std::string("unknown") : join(sizes, ", "))},
  };
}

std::optional<std::string> validate(const Params& params) {
  if (params.has("pad_bytes") && !is_one_of(params.integer("pad_bytes"), {64, 128})) {
    return fmt::format("pad_bytes must be 64 or 128, not {}", params.integer("pad_bytes"));
  }
  if (params.has("fields_total") && !is_one_of(params.integer("fields_total"), {4, 8, 16})) {
    return fmt::format("fields_total must be 4, 8 or 16, not {}", params.integer("fields_total"));
  }
  if (params.has("fields_total") && !is_one_of(params.integer("fields_read"), {1, 2, 4, 8, 16})) {
    return fmt::format("fields_read must be 1, 2, 4, 8 or 16, not {}", params.integer("fields_read"));
  }
  if (params.has("cold_bytes") && !is_one_of(params.integer("cold_bytes"), {48, 112, 240})) {
    return fmt::format("cold_bytes must be 48, 112 or 240, not {}", params.integer("cold_bytes"));
  }
  return std::nullopt;
}

std::string describe_details(const nlohmann::json& details) {
  std::string out;
  if (details.contains("description")) out += details["description"].get<std::string>() + "\n";
  if (details.contains("layouts")) out += render_layouts(details["layouts"]);
  return out;
}

}  // namespace cacheline

Family make_cacheline_family() {
  Family family;
  family.name = "cacheline";
  family.doc = "memory layout costs: false sharing, field order, AoS vs SoA, hot/cold split";
  family.op = "false_sharing: one increment; field_order, aos_soa, hot_cold: one element visited";
  family.metrics = {{.name = "bytes_per_element", .unit = "B", .better = Better::lower,
                     .doc = "bytes of cache lines the scan brings in per element visited"}};
  for (const auto& spec : hw::metric_specs()) family.metrics.push_back(spec);
  family.headline = {"ns_per_op", "bytes_per_element", "ops_per_s"};
  family.validate = cacheline::validate;
  family.describe_details = cacheline::describe_details;
  family.impls = {
#define VELO_VARIANT(file, function) cacheline::function(),
#include "families/cacheline/variants.def"
#undef VELO_VARIANT
  };
  return family;
}

}  // namespace velo
