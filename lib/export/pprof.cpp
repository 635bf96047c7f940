#include "export/pprof.hpp"

#include <zlib.h>

#include <fmt/format.h>

#include <unordered_map>
#include <vector>

namespace velo::exporter {

namespace {

// The protobuf wire format, as much of it as profile.proto needs: varints
// (wire type 0) and length-delimited fields (wire type 2).
class ProtoWriter {
 public:
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      bytes_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    bytes_ += static_cast<char>(value);
  }
  void tag(int field, int wire_type) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type)); }
  // Zero is the default and is left out, as protobuf encoders do.
  void uint_field(int field, std::uint64_t value) {
    if (value == 0) return;
    tag(field, 0);
    varint(value);
  }
  void int_field(int field, std::int64_t value) { uint_field(field, static_cast<std::uint64_t>(value)); }
  void bytes_field(int field, std::string_view value) {
    tag(field, 2);
    varint(value.size());
    bytes_ += value;
  }
  void message_field(int field, const ProtoWriter& message) { bytes_field(field, message.bytes_); }
  void packed_field(int field, const std::vector<std::uint64_t>& values) {
    ProtoWriter packed;
    for (auto value : values) packed.varint(value);
    bytes_field(field, packed.bytes_);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// profile.proto field numbers.
namespace field {
constexpr int sample_type = 1, sample = 2, location = 4, function = 5, string_table = 6,
              period_type = 11, period = 12, comment = 13;
constexpr int value_type_type = 1, value_type_unit = 2;
constexpr int sample_location_id = 1, sample_value = 2, sample_label = 3;
constexpr int label_key = 1, label_str = 2;
constexpr int location_id = 1, location_line = 4;
constexpr int line_function_id = 1, line_line = 2;
constexpr int function_id = 1, function_name = 2, function_system_name = 3;
}  // namespace field

class StringTable {
 public:
  StringTable() { index(""); }  // string_table[0] must be ""
  std::uint64_t index(std::string_view text) {
    auto [it, inserted] = indices_.try_emplace(std::string(text), strings_.size());
    if (inserted) strings_.emplace_back(text);
    return it->second;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string, std::uint64_t> indices_;
  std::vector<std::string> strings_;
};

ProtoWriter value_type(StringTable& strings, std::string_view type, std::string_view unit) {
  ProtoWriter message;
  message.uint_field(field::value_type_type, strings.index(type));
  message.uint_field(field::value_type_unit, strings.index(unit));
  return message;
}

}  // namespace

std::string pprof_proto(const profiler::FoldedStacks& stacks, const PprofOptions& options) {
  StringTable strings;
  ProtoWriter profile;
  profile.message_field(field::sample_type, value_type(strings, "samples", "count"));
  profile.message_field(field::sample_type, value_type(strings, "cpu", "nanoseconds"));
  const std::int64_t period_ns = 1'000'000'000LL / std::max(options.hz, 1);

  // One function and one location per frame name; ids are 1-based.
  std::unordered_map<std::string, std::uint64_t> location_of;
  std::vector<std::string> names;
  auto location_id = [&](std::string_view name) {
    auto [it, inserted] = location_of.try_emplace(std::string(name), names.size() + 1);
    if (inserted) names.emplace_back(name);
    return it->second;
  };

  for (const auto& [stack, count] : stacks.stacks()) {
    auto frames = profiler::split_frames(stack);
    const std::string_view thread = profiler::thread_of(frames.front());
    const std::size_t first = thread.empty() ? 0 : 1;
    std::vector<std::uint64_t> ids;  // leaf first
    for (std::size_t i = frames.size(); i-- > first;) ids.push_back(location_id(frames[i]));
    ProtoWriter sample;
    sample.packed_field(field::sample_location_id, ids);
    sample.packed_field(field::sample_value,
                        {count, count * static_cast<std::uint64_t>(period_ns)});
    if (!thread.empty()) {
      ProtoWriter label;
      label.uint_field(field::label_key, strings.index("thread"));
      label.uint_field(field::label_str, strings.index(thread));
      sample.message_field(field::sample_label, label);
    }
    profile.message_field(field::sample, sample);
  }

  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::uint64_t id = i + 1;
    ProtoWriter line;
    line.uint_field(field::line_function_id, id);
    line.int_field(field::line_line, 0);
    ProtoWriter location;
    location.uint_field(field::location_id, id);
    location.message_field(field::location_line, line);
    profile.message_field(field::location, location);
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    ProtoWriter function;
    function.uint_field(field::function_id, i + 1);
    const auto name = strings.index(names[i]);
    function.uint_field(field::function_name, name);
    function.uint_field(field::function_system_name, name);
    profile.message_field(field::function, function);
  }
  profile.message_field(field::period_type, value_type(strings, "cpu", "nanoseconds"));
  profile.int_field(field::period, period_ns);
  profile.tag(field::comment, 0);
  profile.varint(strings.index("generated by velo from folded stacks"));
  // The string table goes last: every index above has been assigned.
  for (const auto& text : strings.strings()) profile.bytes_field(field::string_table, text);
  return profile.bytes();
}

Expected<std::string> gzip(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return make_error("gzip: cannot initialise zlib");
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return make_error(fmt::format("gzip: zlib failed ({})", result));
  return out;
}

Expected<std::string> pprof_gzip(const profiler::FoldedStacks& stacks, const PprofOptions& options) {
  return gzip(pprof_proto(stacks, options));
}

}  // namespace velo::exporter
