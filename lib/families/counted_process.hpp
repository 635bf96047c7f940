// `--measure instructions` for work that runs in other processes (docs/deterministic.md,
// "External benchmarks"): an external family runs its program under Valgrind's callgrind
// itself, because only it knows what one operation is and which part of the process is
// the benchmark; the runner (runner/measure_process_counts.hpp) supplies the Valgrind
// command, reads what callgrind wrote and turns the counts into per-op metrics.
//
// Which implementations count is one list (find_process_count, families/external/
// counting.cpp): an implementation not in it is skipped in that mode with the reason.
// (A table beside the Implementation rather than a member of it: every variant of every
// family includes family.hpp.)
//
// The contract of a `ProcessCount`:
// - run the program as `counting.valgrind + <its own callgrind options> + argv`: the
//   runner's part names the tool, the simulations and the output files (one per process
//   and dump); the family may add --toggle-collect, --dump-before/after, --trace-children;
// - call `counting.collect()` after the program exits: every dump written since the
//   last call, in the order written (per process, processes by id), then removed;
// - return, per repetition, the summed event totals and how many operations they cover,
//   exactly `counting.repetitions` of them; a program that cannot be counted honestly is
//   a CaseError with `skip` and the reason (e.g. Go's runtime under Valgrind).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/params.hpp"
#include "core/result.hpp"
#include "families/family.hpp"

namespace velo {

// Event totals by callgrind's event names ("Ir", "Dr", "I1mr", ...).
using EventTotals = std::vector<std::pair<std::string, std::uint64_t>>;

// One dump of one process.
struct CallgrindEvents {
  std::string trigger;  // callgrind's "Trigger:" text: "Program termination", "--dump-before=f()", ...
  EventTotals totals;
};

// Adds `more` into `sum`, event by event.
inline void add_events(EventTotals& sum, const EventTotals& more) {
  for (const auto& [name, value] : more) {
    bool found = false;
    for (auto& [have, total] : sum) {
      if (have == name) {
        total += value;
        found = true;
        break;
      }
    }
    if (!found) sum.emplace_back(name, value);
  }
}

struct ProcessCounting {
  std::vector<std::string> valgrind;  // valgrind and the runner's options
  std::function<Expected<std::vector<CallgrindEvents>>()> collect;
  int repetitions = 1;       // to return
  std::int64_t ops = 1000;   // [run] ops: operations per repetition, where the family can choose
  bool threaded = false;     // --threaded: count multi-threaded programs anyway
};

struct CountedRepetition {
  EventTotals totals;
  std::int64_t ops = 1;
};

struct CountedMeasurement {
  std::vector<CountedRepetition> repetitions;
  nlohmann::json details = nlohmann::json::object();
  std::vector<std::string> notes;
};

using ProcessCount =
    std::function<std::variant<CountedMeasurement, CaseError>(const Params&, const ProcessCounting&)>;

// How implementation `impl` of family `family` counts in instruction mode, or nullptr.
const ProcessCount* find_process_count(std::string_view family, std::string_view impl);

}  // namespace velo
