// aos_soa/aos: array of structs. Particle<N> is N uint32 fields in one struct;
// reading R of them still brings the whole 4N-byte particle into the cache, so
// bytes per element = sizeof(Particle) whatever R is.
#include "families/cacheline/aos_soa.hpp"
#include "families/cacheline/cacheline.hpp"

namespace velo::cacheline {
namespace {

template <int N>
struct Particle {
  std::uint32_t field[N];
};
static_assert(sizeof(Particle<4>) == 16 && sizeof(Particle<8>) == 32 && sizeof(Particle<16>) == 64);
static_assert(alignof(Particle<16>) == 4);

template <int FieldsTotal, int FieldsRead>
class AosLayout {
 public:
  static constexpr std::string_view workload = "aos_soa";
  using Record = Particle<FieldsTotal>;

  explicit AosLayout(const Params& params) : particles_(static_cast<std::size_t>(params.integer("elements"))) {
    for (std::size_t i = 0; i < particles_.size(); ++i) {
      for (std::size_t f = 0; f < FieldsTotal; ++f) particles_[i].field[f] = particle_value(i, f);
    }
  }

  std::uint64_t scan(std::size_t begin, std::size_t end) const {
    std::uint64_t sum = 0;
    for (std::size_t i = begin; i < end; ++i) {
      for (int f = 0; f < FieldsRead; ++f) sum += particles_[i].field[f];
    }
    return sum;
  }

  std::uint64_t reference(std::size_t element) const { return aos_soa_reference(element, FieldsRead); }

  std::vector<StructLayout> layouts() const {
    StructLayout layout = layout_of<Record>(fmt::format("Particle<{}>", FieldsTotal), {});
    for (std::size_t f = 0; f < FieldsTotal; ++f) {
      layout.fields.push_back({.name = std::string(kParticleFields[f]),
                               .type = "uint32_t",
                               .offset = offsetof(Record, field) + f * sizeof(std::uint32_t),
                               .size = sizeof(std::uint32_t)});
    }
    return {layout};
  }

  double bytes_per_element() const { return line_bytes_per_record(sizeof(Record), 0, 4 * FieldsRead); }
  double useful_bytes_per_element() const { return 4.0 * FieldsRead; }
  std::size_t footprint_bytes() const { return particles_.size() * sizeof(Record); }

 private:
  AlignedArray<Record> particles_;
};

}  // namespace

Implementation aos() {
  return {.name = "aos",
          .doc = "aos_soa: array of structs (a particle's fields together)",
          .params = aos_soa_params(),
          .case_unsupported = aos_soa_unsupported,
          .make = make_aos_soa<AosLayout>};
}

}  // namespace velo::cacheline
