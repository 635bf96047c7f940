// The arithmetic of hardware counters, kept apart from perf_event_open (as
// nanobench does) so it compiles and is tested on every machine, including the
// virtual machines whose CPUs expose no counters at all.
//
// Invariants: a count that was not measured is nullopt, never 0; a count the
// kernel multiplexed is scaled by enabled/running time; a total over threads
// exists only if every thread measured that event (a partial sum would understate).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metric.hpp"

namespace velo::hw {

enum class Event { cycles, instructions, l1d_read_misses, llc_misses };
inline constexpr std::array<Event, 4> kEvents = {Event::cycles, Event::instructions,
                                                 Event::l1d_read_misses, Event::llc_misses};
inline constexpr std::size_t kEventCount = kEvents.size();

// "cycles_per_op", "instructions_per_op", "l1d_misses_per_op", "llc_misses_per_op".
std::string_view metric_name(Event event);
// The MetricSpecs a family declares to report hardware counters.
const std::vector<MetricSpec>& metric_specs();

// One event's value as read with PERF_FORMAT_TOTAL_TIME_ENABLED|RUNNING.
struct RawCount {
  std::uint64_t value = 0;
  std::uint64_t time_enabled = 0;  // ns the event was enabled
  std::uint64_t time_running = 0;  // ns it was actually on a PMU counter
};

// The count extrapolated over the enabled time (value * enabled / running) when the
// kernel multiplexed counters; nullopt if the event never ran: nothing was measured.
std::optional<double> scaled(const RawCount& raw);

// The counts between two reads of a running or stopped counter. The kernel's
// enabled/running times only grow, so a repetition is measured as a difference
// rather than by resetting (PERF_EVENT_IOC_RESET leaves the times alone).
RawCount delta(const RawCount& before, const RawCount& after);

// Decodes a read(2) of a group leader opened with
// PERF_FORMAT_GROUP|TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING: {nr, enabled, running,
// value[nr]}. nullopt if the buffer is shorter than it claims.
std::optional<std::vector<RawCount>> parse_group_read(std::span<const std::uint64_t> words);

// Per-event totals over the threads of a team.
// An event no thread added (not supported by this CPU) has no total.
class Totals {
 public:
  // Adds one thread's count of `event`; an absent count makes the total absent.
  void add(Event event, std::optional<double> count);
  std::optional<double> total(Event event) const;

 private:
  std::array<std::optional<double>, kEventCount> totals_{};
  std::array<bool, kEventCount> absent_{};
};

// The per-op metrics to report: only the events that were measured, divided by ops.
std::vector<std::pair<std::string_view, double>> per_op_metrics(const Totals& totals,
                                                                std::int64_t ops);

// One line saying why counters are unavailable, from perf_event_open's errno and
// kernel.perf_event_paranoid (nullopt if unreadable). Mentions what to change.
std::string unavailable_reason(int error_number, std::optional<int> paranoid_level);

}  // namespace velo::hw
