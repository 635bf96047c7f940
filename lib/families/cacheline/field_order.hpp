// The field_order workload: an array of `elements` records with the same six
// fields (three bools, an int64, an int32, a double) in different layouts. The
// scan reads `fields_read` of them from every record: the int64 `id`, and with 2
// also the int32 `count`. What changes between variants is only how many bytes of
// padding ride along into the cache with each record.
#pragma once

#include <cstdint>

#include "families/cacheline/scan_workload.hpp"

namespace velo::cacheline {

// The checksum share of one element, whatever the layout.
constexpr std::uint64_t field_order_reference(std::size_t element, int fields_read) {
  std::uint64_t sum = value_of(element, 0);
  if (fields_read == 2) sum += static_cast<std::uint32_t>(value_of(element, 1));
  return sum;
}

// Records of type Record (with members active, id, visible, count, dirty, weight),
// line-aligned; FieldsRead is 1 (id) or 2 (id, count).
template <typename Record, int FieldsRead>
class FieldOrderLayout {
 public:
  static constexpr std::string_view workload = "field_order";

  explicit FieldOrderLayout(const Params& params)
      : records_(static_cast<std::size_t>(params.integer("elements"))) {
    for (std::size_t i = 0; i < records_.size(); ++i) {
      Record& r = records_[i];
      r.active = (i & 1) != 0;
      r.id = static_cast<std::int64_t>(value_of(i, 0));
      r.visible = (i & 2) != 0;
      r.count = static_cast<std::int32_t>(static_cast<std::uint32_t>(value_of(i, 1)));
      r.dirty = (i & 4) != 0;
      r.weight = static_cast<double>(i);
    }
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end; ++i) {
      sum += static_cast<std::uint64_t>(records_[i].id);
      if constexpr (FieldsRead == 2) sum += static_cast<std::uint32_t>(records_[i].count);
    }
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return field_order_reference(element, FieldsRead); }

  std::vector<StructLayout> layouts() const { return {Record::layout()}; }

  double bytes_per_element() const {
    std::size_t begin = offsetof(Record, id);
    std::size_t end = begin + sizeof(std::int64_t);
    if constexpr (FieldsRead == 2) {
      begin = std::min(begin, offsetof(Record, count));
      end = std::max(end, offsetof(Record, count) + sizeof(std::int32_t));
    }
    return line_bytes_per_record(sizeof(Record), begin, end);
  }
  double useful_bytes_per_element() const { return FieldsRead == 2 ? 12.0 : 8.0; }
  std::size_t footprint_bytes() const { return records_.size() * sizeof(Record); }

 private:
  AlignedArray<Record> records_;
};

template <typename Record>
WorkloadFactory field_order_factory() {
  return [](const Params& params) {
    if (params.integer("fields_read") == 2) return make_scan<FieldOrderLayout<Record, 2>>(params);
    return make_scan<FieldOrderLayout<Record, 1>>(params);
  };
}

// elements and fields_read, as every field_order variant declares them.
std::vector<ParamSpec> field_order_params();

}  // namespace velo::cacheline
