// The scan workload shared by field_order, aos_soa and hot_cold: one thread walks
// `elements` records in order, reads some fields of each and sums them into a
// checksum. One op = one element visited; a run of `ops` continues where the last
// one stopped and wraps around, so the array stays as warm (or cold) as its size
// allows. Records are filled in the constructor, outside timing.
//
// Every field's value is a pure function of (element, field), value_of(), so
// end_repetition checks the run's checksum against a plain loop over the same
// elements that never reads the layout. The checksum is also what keeps the
// compiler from deleting the scan.
//
// A Layout provides:
//   explicit Layout(const Params&)
//   std::uint64_t scan(std::size_t begin, std::size_t end) const   the hot loop
//   std::uint64_t reference(std::size_t element) const   the element's share of the checksum
//   std::vector<StructLayout> layouts() const
//   double bytes_per_element() const          cache-line bytes the scan brings in per element
//   double useful_bytes_per_element() const   bytes of fields it actually reads
//   std::size_t footprint_bytes() const       all memory of the records (hot and cold)
//   static constexpr std::string_view workload
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "families/cacheline/counted_workload.hpp"
#include "families/cacheline/layout.hpp"

namespace velo::cacheline {

// The value of `field` of `element`: splitmix64 of the pair, so every field holds
// a different, unpredictable value and no layout can be summed by a formula.
constexpr std::uint64_t value_of(std::size_t element, std::size_t field) {
  std::uint64_t z = (static_cast<std::uint64_t>(element) << 6 | field) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// What a case's details say about its working set: which cache level the lines the
// scan touches fit in, on this machine.
nlohmann::json working_set_details(std::size_t elements, double bytes_per_element,
                                   double useful_bytes_per_element, std::size_t footprint_bytes);

template <typename Layout>
class ScanWorkload final : public CountedWorkload {
 public:
  explicit ScanWorkload(const Params& params)
      : CountedWorkload(1, "cacheline"),
        elements_(static_cast<std::size_t>(params.integer("elements"))),
        layout_(params) {}

  double run(std::int64_t ops) override {
    run_begin_ = cursor_;
    std::uint64_t sum = 0;
    const double seconds = timed_round([&](int) {
      std::size_t at = cursor_;
      for (auto left = static_cast<std::size_t>(ops); left > 0;) {
        const std::size_t n = std::min(left, elements_ - at);
        sum += layout_.scan(at, at + n);
        at = at + n == elements_ ? 0 : at + n;
        left -= n;
      }
      cursor_ = at;
    });
    checksum_ = sum;
    return seconds;
  }

  Status end_repetition(MetricSink& sink, std::int64_t ops, double) override {
    const std::uint64_t expected = expected_checksum(run_begin_, static_cast<std::size_t>(ops));
    if (checksum_ != expected) {
      return make_error(fmt::format("{}: checksum {:#x} over {} elements from {} differs from "
                                    "the reference loop's {:#x}",
                                    Layout::workload, checksum_, ops, run_begin_, expected));
    }
    sink.add("bytes_per_element", layout_.bytes_per_element());
    report_counters(sink, ops);
    return {};
  }

  nlohmann::json details() const override {
    nlohmann::json details = working_set_details(elements_, layout_.bytes_per_element(),
                                                 layout_.useful_bytes_per_element(),
                                                 layout_.footprint_bytes());
    details["workload"] = Layout::workload;
    details["op"] = "one element visited";
    details["layouts"] = to_json(layout_.layouts(), kLineBytes);
    return details;
  }

 private:
  // The reference: a plain loop over the visited elements that computes each
  // value instead of reading it. Whole passes over the array reuse one pass's sum,
  // so checking a run of millions of ops costs at most two passes.
  std::uint64_t expected_checksum(std::size_t begin, std::size_t ops) {
    auto reference_sum = [this](std::size_t from, std::size_t to) {
      std::uint64_t sum = 0;
      for (std::size_t i = from; i < to; ++i) sum += layout_.reference(i);
      return sum;
    };
    if (ops <= elements_ - begin) return reference_sum(begin, begin + ops);
    const std::size_t after_head = ops - (elements_ - begin);
    const std::uint64_t passes = after_head / elements_;
    std::uint64_t expected = reference_sum(begin, elements_) + reference_sum(0, after_head % elements_);
    if (passes > 0) {
      if (!pass_sum_) pass_sum_ = reference_sum(0, elements_);
      expected += passes * *pass_sum_;  // wraps mod 2^64 exactly as the scan's sum does
    }
    return expected;
  }

  std::size_t elements_;
  Layout layout_;
  std::size_t cursor_ = 0;     // where the next run starts
  std::size_t run_begin_ = 0;  // where the last run started
  std::uint64_t checksum_ = 0;
  std::optional<std::uint64_t> pass_sum_;  // reference sum of one whole pass
};

template <typename Layout>
std::variant<std::unique_ptr<Workload>, CaseError> make_scan(const Params& params) {
  return std::make_unique<ScanWorkload<Layout>>(params);
}

}  // namespace velo::cacheline
