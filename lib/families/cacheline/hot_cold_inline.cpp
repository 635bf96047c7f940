// hot_cold/hot_cold_inline: hot fields and cold tail in one record of 16 +
// cold_bytes bytes (64, 128 or 256). The loop reads 12 bytes per record but the
// cache moves whole lines: one line per record at 64 B and up.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/hot_cold.hpp"

namespace velo::cacheline {
namespace {

template <std::size_t ColdBytes>
struct InlineRecord {
  HotFields hot;
  ColdFields<ColdBytes> cold;
};
static_assert(sizeof(InlineRecord<48>) == 64 && sizeof(InlineRecord<112>) == 128 &&
              sizeof(InlineRecord<240>) == 256);
static_assert(offsetof(InlineRecord<112>, cold) == 16);

template <std::size_t ColdBytes>
class InlineLayout {
 public:
  static constexpr std::string_view workload = "hot_cold";
  using Record = InlineRecord<ColdBytes>;

  explicit InlineLayout(const Params& params) : records_(static_cast<std::size_t>(params.integer("elements"))) {
    for (std::size_t i = 0; i < records_.size(); ++i) {
      records_[i].hot = hot_value(i);
      fill_cold(records_[i].cold, i);
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
    for (auto& field : cold_field_layouts(offsetof(Record, cold), ColdBytes)) fields.push_back(field);
    return {layout_of<Record>(fmt::format("InlineRecord<{}>", ColdBytes), std::move(fields))};
  }

  double bytes_per_element() const { return line_bytes_per_record(sizeof(Record), 0, 12); }
  double useful_bytes_per_element() const { return 12.0; }
  std::size_t footprint_bytes() const { return records_.size() * sizeof(Record); }

 private:
  AlignedArray<Record> records_;
};

}  // namespace

Implementation hot_cold_inline() {
  return {.name = "hot_cold_inline",
          .doc = "hot_cold: hot fields and the cold tail in one record",
          .params = hot_cold_params(),
          .make = make_hot_cold<InlineLayout>};
}

}  // namespace velo::cacheline
