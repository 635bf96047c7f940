// aos_soa/soa: struct of arrays. One line-aligned array per field; reading R
// fields streams exactly R arrays, 4 bytes per element each, and the unread
// fields never enter the cache.
#include <array>
#include <memory>

#include "families/cacheline/aos_soa.hpp"
#include "families/cacheline/cacheline.hpp"

namespace velo::cacheline {
namespace {

template <int FieldsTotal, int FieldsRead>
class SoaLayout {
 public:
  static constexpr std::string_view workload = "aos_soa";

  explicit SoaLayout(const Params& params) : elements_(static_cast<std::size_t>(params.integer("elements"))) {
    for (std::size_t f = 0; f < FieldsTotal; ++f) {
      columns_[f] = std::make_unique<AlignedArray<std::uint32_t>>(elements_);
      for (std::size_t i = 0; i < elements_; ++i) (*columns_[f])[i] = particle_value(i, f);
      data_[f] = columns_[f]->data();
    }
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end; ++i) {
      for (int f = 0; f < FieldsRead; ++f) sum += data_[static_cast<std::size_t>(f)][i];
    }
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return aos_soa_reference(element, FieldsRead); }

  // Each column is its own array: shown as one "struct" per element index, a
  // single uint32 per column.
  std::vector<StructLayout> layouts() const {
    std::vector<StructLayout> layouts;
    for (std::size_t f = 0; f < FieldsTotal; ++f) {
      layouts.push_back({.name = fmt::format("uint32_t {}[elements]", kParticleFields[f]),
                         .size = sizeof(std::uint32_t),
                         .align = alignof(std::uint32_t),
                         .fields = {{.name = fmt::format("{}[i]", kParticleFields[f]),
                                     .type = "uint32_t",
                                     .offset = 0,
                                     .size = sizeof(std::uint32_t)}}});
    }
    return layouts;
  }

  double bytes_per_element() const { return FieldsRead * line_bytes_per_record(sizeof(std::uint32_t), 0, 4); }
  double useful_bytes_per_element() const { return 4.0 * FieldsRead; }
  std::size_t footprint_bytes() const { return elements_ * FieldsTotal * sizeof(std::uint32_t); }

 private:
  std::size_t elements_;
  std::array<std::unique_ptr<AlignedArray<std::uint32_t>>, FieldsTotal> columns_;
  std::array<const std::uint32_t*, FieldsTotal> data_{};
};

}  // namespace

Implementation soa() {
  return {.name = "soa",
          .doc = "aos_soa: struct of arrays (one array per field)",
          .params = aos_soa_params(),
          .case_unsupported = aos_soa_unsupported,
          .make = make_aos_soa<SoaLayout>};
}

}  // namespace velo::cacheline
