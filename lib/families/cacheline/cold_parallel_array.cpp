// hot_cold/cold_parallel_array: hot fields in one array, cold parts in another,
// record i's halves at index i of each (a split the data-oriented design
// literature calls hot/cold splitting). The hot loop streams 16-byte records:
// four per cache line, no pointer.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/hot_cold.hpp"

namespace velo::cacheline {
namespace {

template <std::size_t ColdBytes>
class ParallelLayout {
 public:
  static constexpr std::string_view workload = "hot_cold";
  using Cold = ColdFields<ColdBytes>;

  explicit ParallelLayout(const Params& params)
      : hot_(static_cast<std::size_t>(params.integer("elements"))), cold_(hot_.size()) {
    for (std::size_t i = 0; i < hot_.size(); ++i) {
      hot_[i] = hot_value(i);
      fill_cold(cold_[i], i);
    }
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += hot_sum(hot_[i]);
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return hot_cold_reference(element); }

  std::vector<StructLayout> layouts() const {
    return {layout_of<HotFields>("HotFields hot[elements]", hot_field_layouts(0)),
            layout_of<Cold>(fmt::format("ColdFields<{}> cold[elements]", ColdBytes), cold_field_layouts(0, ColdBytes))};
  }

  double bytes_per_element() const { return line_bytes_per_record(sizeof(HotFields), 0, 12); }
  double useful_bytes_per_element() const { return 12.0; }
  std::size_t footprint_bytes() const { return hot_.size() * (sizeof(HotFields) + sizeof(Cold)); }

 private:
  AlignedArray<HotFields> hot_;
  AlignedArray<Cold> cold_;
};

}  // namespace

Implementation cold_parallel_array() {
  return {.name = "cold_parallel_array",
          .doc = "hot_cold: hot and cold parts in two arrays indexed alike",
          .params = hot_cold_params(),
          .make = make_hot_cold<ParallelLayout>};
}

}  // namespace velo::cacheline
