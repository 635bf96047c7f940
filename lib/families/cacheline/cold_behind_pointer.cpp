// hot_cold/cold_behind_pointer: the record keeps its hot fields and a pointer to
// its cold part, which lives in a separate array. Records shrink to 24 bytes (8 of
// them the pointer, which the hot loop does not follow but still carries).
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/hot_cold.hpp"

namespace velo::cacheline {
namespace {

template <std::size_t ColdBytes>
struct PointerRecord {
  HotFields hot;
  ColdFields<ColdBytes>* cold;
};
static_assert(sizeof(PointerRecord<112>) == 24 && offsetof(PointerRecord<112>, cold) == 16);

template <std::size_t ColdBytes>
class PointerLayout {
 public:
  static constexpr std::string_view workload = "hot_cold";
  using Record = PointerRecord<ColdBytes>;

  explicit PointerLayout(const Params& params)
      : records_(static_cast<std::size_t>(params.integer("elements"))), cold_(records_.size()) {
    for (std::size_t i = 0; i < records_.size(); ++i) {
      records_[i].hot = hot_value(i);
      records_[i].cold = &cold_[i];
      fill_cold(cold_[i], i);
    }
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += hot_sum(records_[i].hot);
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return hot_cold_reference(element); }

  std::vector<StructLayout> layouts() const {
    auto fields = hot_field_layouts(offsetof(Record, hot));
    fields.push_back(VELO_LAYOUT_FIELD(Record, cold, fmt::format("ColdFields<{}>*", ColdBytes)));
    using Cold = ColdFields<ColdBytes>;
    return {layout_of<Record>(fmt::format("PointerRecord<{}>", ColdBytes), std::move(fields)),
            layout_of<Cold>(fmt::format("ColdFields<{}>", ColdBytes), cold_field_layouts(0, ColdBytes))};
  }

  double bytes_per_element() const { return line_bytes_per_record(sizeof(Record), 0, 12); }
  double useful_bytes_per_element() const { return 12.0; }
  std::size_t footprint_bytes() const { return records_.size() * (sizeof(Record) + sizeof(ColdFields<ColdBytes>)); }

 private:
  AlignedArray<Record> records_;
  AlignedArray<ColdFields<ColdBytes>> cold_;
};

}  // namespace

Implementation cold_behind_pointer() {
  return {.name = "cold_behind_pointer",
          .doc = "hot_cold: hot fields plus a pointer to the cold part, allocated apart",
          .params = hot_cold_params(),
          .make = make_hot_cold<PointerLayout>};
}

}  // namespace velo::cacheline
