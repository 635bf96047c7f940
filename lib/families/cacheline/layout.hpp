// A struct's memory layout as velo reports it: every field's offset, size, the
// padding after it and the cache line it falls on, plus sizeof, alignof and total
// padding. The numbers come from offsetof/sizeof of the real types (the
// VELO_LAYOUT_FIELD macro), and each variant static_asserts the ones it claims.
// render_layouts() prints them the way pahole(1) does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace velo::cacheline {

inline constexpr std::size_t kLineBytes = 64;  // what the static_asserts assume

struct FieldLayout {
  std::string name;
  std::string type;
  std::size_t offset = 0;
  std::size_t size = 0;
};

struct StructLayout {
  std::string name;
  std::size_t size = 0;   // sizeof
  std::size_t align = 0;  // alignof
  std::vector<FieldLayout> fields;  // in declaration (= offset) order

  std::size_t padding_after(std::size_t field) const;  // bytes up to the next field or the end
  std::size_t total_padding() const;
};

// Builds a StructLayout of `Type` from its fields, e.g.
//   layout_of<Record>("Record", {VELO_LAYOUT_FIELD(Record, id, "int64_t"), ...})
#define VELO_LAYOUT_FIELD(Type, member, type_name) \
  ::velo::cacheline::FieldLayout { #member, type_name, offsetof(Type, member), sizeof(Type::member) }

template <typename Type>
StructLayout layout_of(std::string name, std::vector<FieldLayout> fields) {
  return {.name = std::move(name), .size = sizeof(Type), .align = alignof(Type), .fields = std::move(fields)};
}

// JSON for a case's details: one object per struct, with per-field padding and the
// cache line(s) of `line_bytes` each field falls on for a line-aligned struct.
nlohmann::json to_json(const StructLayout& layout, std::size_t line_bytes);
nlohmann::json to_json(const std::vector<StructLayout>& layouts, std::size_t line_bytes);

// pahole-style text of the "layouts" array of a case's details.
std::string render_layouts(const nlohmann::json& layouts);

// Average bytes of distinct cache lines a scan brings in per record, when it walks
// a line-aligned array of records `stride` bytes apart and reads bytes
// [read_begin, read_end) of each. Exact: evaluated over one full period of the
// pattern (at most line_bytes records).
double line_bytes_per_record(std::size_t stride, std::size_t read_begin, std::size_t read_end,
                             std::size_t line_bytes = kLineBytes);

// A fixed-size array aligned to 128 bytes (two lines: the adjacent-line
// prefetcher's unit), allocated once and never resized.
template <typename T>
class AlignedArray {
 public:
  static constexpr std::align_val_t kAlign{128};
  explicit AlignedArray(std::size_t count) : count_(count) {
    data_ = static_cast<T*>(::operator new(sizeof(T) * (count ? count : 1), kAlign));
    for (std::size_t i = 0; i < count_; ++i) new (data_ + i) T();
  }
  ~AlignedArray() {
    for (std::size_t i = 0; i < count_; ++i) data_[i].~T();
    ::operator delete(data_, kAlign);
  }
  AlignedArray(const AlignedArray&) = delete;
  AlignedArray& operator=(const AlignedArray&) = delete;

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }

 private:
  T* data_;
  std::size_t count_;
};

}  // namespace velo::cacheline
