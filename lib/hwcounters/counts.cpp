#include "hwcounters/counts.hpp"

#include <cassert>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace velo::hw {

namespace {
std::size_t index_of(Event event) { return static_cast<std::size_t>(event); }
}  // namespace

std::string_view metric_name(Event event) {
  switch (event) {
    case Event::cycles: return "cycles_per_op";
    case Event::instructions: return "instructions_per_op";
    case Event::l1d_read_misses: return "l1d_misses_per_op";
    case Event::llc_misses: return "llc_misses_per_op";
  }
  return "";
}

const std::vector<MetricSpec>& metric_specs() {
  static const std::vector<MetricSpec> specs = {
      {.name = "cycles_per_op", .unit = "cycles", .better = Better::lower,
       .doc = "CPU cycles per operation, summed over the team's threads (user space)"},
      {.name = "instructions_per_op", .unit = "instr", .better = Better::lower,
       .doc = "instructions retired per operation, summed over the team's threads"},
      {.name = "l1d_misses_per_op", .unit = "misses", .better = Better::lower,
       .doc = "L1 data cache read misses per operation"},
      {.name = "llc_misses_per_op", .unit = "misses", .better = Better::lower,
       .doc = "last-level cache misses per operation (the kernel's generic cache-misses event)"},
  };
  return specs;
}

std::optional<double> scaled(const RawCount& raw) {
  if (raw.time_running == 0) return std::nullopt;
  if (raw.time_running >= raw.time_enabled) return static_cast<double>(raw.value);
  return static_cast<double>(raw.value) * static_cast<double>(raw.time_enabled) /
         static_cast<double>(raw.time_running);
}

RawCount delta(const RawCount& before, const RawCount& after) {
  return {.value = after.value - before.value,
          .time_enabled = after.time_enabled - before.time_enabled,
          .time_running = after.time_running - before.time_running};
}

std::optional<std::vector<RawCount>> parse_group_read(std::span<const std::uint64_t> words) {
  if (words.size() < 3) return std::nullopt;
  const std::uint64_t count = words[0];
  if (words.size() - 3 < count) return std::nullopt;
  std::vector<RawCount> counts;
  counts.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    counts.push_back({.value = words[3 + i], .time_enabled = words[1], .time_running = words[2]});
  }
  return counts;
}

void Totals::add(Event event, std::optional<double> count) {
  const std::size_t i = index_of(event);
  if (!count) absent_[i] = true;
  if (absent_[i]) return;
  totals_[i] = totals_[i].value_or(0.0) + *count;
}

std::optional<double> Totals::total(Event event) const {
  const std::size_t i = index_of(event);
  if (absent_[i]) return std::nullopt;
  return totals_[i];
}

std::vector<std::pair<std::string_view, double>> per_op_metrics(const Totals& totals,
                                                                std::int64_t ops) {
  assert(ops >= 1);
  std::vector<std::pair<std::string_view, double>> metrics;
  for (Event event : kEvents) {
    if (auto total = totals.total(event)) {
      metrics.emplace_back(metric_name(event), *total / static_cast<double>(ops));
    }
  }
  return metrics;
}

std::string unavailable_reason(int error_number, std::optional<int> paranoid_level) {
  const std::string call = fmt::format("perf_event_open: {}", std::strerror(error_number));
  switch (error_number) {
    case ENOENT:
    case EOPNOTSUPP:
    case ENODEV:
      return fmt::format("this CPU exposes no hardware counters to the kernel ({}); "
                         "common in virtual machines",
                         call);
    case ENOSYS:
      return fmt::format("the kernel was built without perf events ({})", call);
    case EACCES:
    case EPERM: {
      const std::string level =
          paranoid_level ? fmt::format("kernel.perf_event_paranoid is {}", *paranoid_level)
                         : std::string("kernel.perf_event_paranoid is unreadable");
      return fmt::format("{} ({}); allow user-space counting with "
                         "`sysctl kernel.perf_event_paranoid=2` or CAP_PERFMON, "
                         "or lift the container's seccomp filter",
                         call, level);
    }
    default:
      return fmt::format("{} (errno {})", call, error_number);
  }
}

}  // namespace velo::hw
