// aos_soa/aosoa: array of structs of arrays. Particles in blocks of `block`; within
// a block each field's `block` values are contiguous, and the block's fields follow
// one another:  block b = { x[block], y[block], z[block], ... }.
// With block * 4 >= 64 bytes a field's run fills whole cache lines, so the loop
// touches only the fields it reads (like SoA) while one block's fields stay close
// together (like AoS), which keeps a single stream for the prefetcher.
#include "families/cacheline/aos_soa.hpp"
#include "families/cacheline/cacheline.hpp"

namespace velo::cacheline {
namespace {

// The block layout for one fixed size, to check the index arithmetic below.
template <int N, int B>
struct Block {
  std::uint32_t field[N][B];
};
using Block8x16 = Block<8, 16>;
static_assert(sizeof(Block8x16) == 8 * 16 * 4 && offsetof(Block8x16, field[1][0]) == 16 * 4);

template <int FieldsTotal, int FieldsRead>
class AosoaLayout {
 public:
  static constexpr std::string_view workload = "aos_soa";

  explicit AosoaLayout(const Params& params)
      : elements_(static_cast<std::size_t>(params.integer("elements"))),
        block_(static_cast<std::size_t>(params.integer("block"))),
        values_((elements_ + block_ - 1) / block_ * block_ * FieldsTotal) {
    for (std::size_t i = 0; i < elements_; ++i) {
      for (std::size_t f = 0; f < FieldsTotal; ++f) values_[index(i, f)] = particle_value(i, f);
    }
  }

  // Field f of element i: block i / block_, row f, lane i % block_.
  std::size_t index(std::size_t i, std::size_t f) const {
    return (i / block_ * FieldsTotal + f) * block_ + i % block_;
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    const std::uint32_t* values = values_.data();
    for (std::size_t i = begin; i < end;) {
      const std::size_t lane = i % block_;
      const std::size_t lanes = std::min(block_ - lane, end - i);
      const std::uint32_t* block = values + (i - lane) * FieldsTotal;
      for (std::size_t l = lane; l < lane + lanes; ++l) {
        for (int f = 0; f < FieldsRead; ++f) sum += block[static_cast<std::size_t>(f) * block_ + l];
      }
      i += lanes;
    }
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return aos_soa_reference(element, FieldsRead); }

  std::vector<StructLayout> layouts() const {
    const std::size_t row = block_ * sizeof(std::uint32_t);
    StructLayout layout{.name = fmt::format("Block (block={})", block_),
                        .size = row * FieldsTotal,
                        .align = alignof(std::uint32_t)};
    for (std::size_t f = 0; f < FieldsTotal; ++f) {
      layout.fields.push_back({.name = fmt::format("{}[{}]", kParticleFields[f], block_),
                               .type = "uint32_t",
                               .offset = f * row,
                               .size = row});
    }
    return {layout};
  }

  double bytes_per_element() const {
    const std::size_t row = block_ * sizeof(std::uint32_t);
    return line_bytes_per_record(row * FieldsTotal, 0, row * FieldsRead) / static_cast<double>(block_);
  }
  double useful_bytes_per_element() const { return 4.0 * FieldsRead; }
  std::size_t footprint_bytes() const { return values_.size() * sizeof(std::uint32_t); }

 private:
  std::size_t elements_;
  std::size_t block_;
  AlignedArray<std::uint32_t> values_;
};

}  // namespace

Implementation aosoa() {
  return {.name = "aosoa",
          .doc = "aos_soa: blocks of `block` particles, each field contiguous within a block",
          .params = [] {
            auto params = aos_soa_params();
            params.push_back({.name = "block",
                              .type = ParamType::integer,
                              .default_value = std::int64_t{16},
                              .doc = "particles per block (16 x 4 B fills a 64-byte line per field)",
                              .min = 1,
                              .max = 4096});
            return params;
          }(),
          .case_unsupported = aos_soa_unsupported,
          .make = make_aos_soa<AosoaLayout>};
}

}  // namespace velo::cacheline
