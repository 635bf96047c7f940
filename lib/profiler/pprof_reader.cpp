#include "profiler/pprof_reader.hpp"

#include <zlib.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace velo::profiler {
namespace {

constexpr std::size_t kMaxInflated = std::size_t{256} << 20;  // README "Limits": like every data file
constexpr int kMaxDepth = 4096;                               // frames kept of one sample

// Protobuf wire types (protobuf.dev/programming-guides/encoding).
enum Wire : int { varint = 0, fixed64 = 1, bytes = 2, fixed32 = 5 };

struct Failure {
  std::string what;
};

// A cursor over one message's bytes; `base` is its offset in the whole file, for
// messages that name the byte where a problem is.
class Reader {
 public:
  Reader(std::string_view data, std::size_t base) : data_(data), base_(base) {}
  bool done() const { return at_ == data_.size(); }
  std::size_t offset() const { return base_ + at_; }

  std::uint64_t read_varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= data_.size()) throw Failure{fmt::format("a varint runs past the end of its message at byte {}", offset())};
      const auto byte = static_cast<unsigned char>(data_[at_++]);
      value |= std::uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    throw Failure{fmt::format("a varint longer than 10 bytes at byte {}", offset())};
  }

  // The next field: its number and wire type.
  std::pair<std::uint64_t, int> read_key() {
    const std::uint64_t key = read_varint();
    if ((key >> 3) == 0) throw Failure{fmt::format("field number 0 at byte {}", offset())};
    return {key >> 3, static_cast<int>(key & 7)};
  }

  Reader read_bytes() {
    const std::uint64_t size = read_varint();
    if (size > data_.size() - at_) {
      throw Failure{fmt::format("a field of {} bytes at byte {} runs past the end of its message", size, offset())};
    }
    Reader inner(data_.substr(at_, size), base_ + at_);
    at_ += size;
    return inner;
  }

  std::string_view text() const { return data_; }

  void skip(int wire) {
    switch (wire) {
      case varint: read_varint(); return;
      case bytes: read_bytes(); return;
      case fixed64: advance(8); return;
      case fixed32: advance(4); return;
      default: throw Failure{fmt::format("unknown wire type {} at byte {}", wire, offset())};
    }
  }

  // A repeated integer field: packed (wire type 2) or one value (wire type 0).
  void read_integers(int wire, std::vector<std::uint64_t>& out) {
    if (wire == varint) {
      out.push_back(read_varint());
    } else if (wire == bytes) {
      Reader packed = read_bytes();
      while (!packed.done()) out.push_back(packed.read_varint());
    } else {
      throw Failure{fmt::format("an integer field with wire type {} at byte {}", wire, offset())};
    }
  }

  std::uint64_t read_integer(int wire) {
    if (wire != varint) throw Failure{fmt::format("an integer field with wire type {} at byte {}", wire, offset())};
    return read_varint();
  }

 private:
  void advance(std::size_t n) {
    if (n > data_.size() - at_) throw Failure{fmt::format("a fixed-size field runs past the end at byte {}", offset())};
    at_ += n;
  }

  std::string_view data_;
  std::size_t base_;
  std::size_t at_ = 0;
};

struct ValueType {
  std::uint64_t type = 0, unit = 0;
};

ValueType read_value_type(Reader message) {
  ValueType out;
  while (!message.done()) {
    auto [field, wire] = message.read_key();
    if (field == 1) out.type = message.read_integer(wire);
    else if (field == 2) out.unit = message.read_integer(wire);
    else message.skip(wire);
  }
  return out;
}

struct Sample {
  std::vector<std::uint64_t> locations;  // leaf first
  std::vector<std::uint64_t> values;     // int64 values as their two's-complement bits
};

struct Location {
  std::uint64_t address = 0;
  std::vector<std::uint64_t> functions;  // of its lines, callee first
};

Expected<std::string> inflate_gzip(std::string_view compressed, std::string_view file_name) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return make_error("zlib: cannot initialise the decompressor");
  std::string out;
  char buffer[1 << 16];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      const std::string why = stream.msg ? stream.msg : fmt::format("zlib error {}", result);
      inflateEnd(&stream);
      return make_error(fmt::format("{}: not a readable gzip stream ({})", file_name,
                                    result == Z_BUF_ERROR ? "it ends early" : why));
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > kMaxInflated) {
      inflateEnd(&stream);
      return make_error(fmt::format("{}: the profile inflates to more than {} MiB", file_name, kMaxInflated >> 20));
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace

Expected<PprofProfile> read_pprof(std::string_view data, std::string_view file_name) {
  std::string inflated;
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b) {
    auto text = inflate_gzip(data, file_name);
    if (!text) return text.error();
    inflated = std::move(*text);
    data = inflated;
  }
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::map<std::uint64_t, Location> locations;
  std::map<std::uint64_t, std::uint64_t> function_names;  // function id -> string index
  std::vector<std::string_view> strings;
  PprofProfile out;
  std::optional<ValueType> period_type;
  try {
    Reader profile(data, 0);
    while (!profile.done()) {
      auto [field, wire] = profile.read_key();
      if (wire != bytes && (field == 1 || field == 2 || field == 4 || field == 5 || field == 6 || field == 11)) {
        throw Failure{fmt::format("field {} of Profile must be length-delimited, at byte {}", field, profile.offset())};
      }
      switch (field) {
        case 1: sample_types.push_back(read_value_type(profile.read_bytes())); break;
        case 2: {
          Reader message = profile.read_bytes();
          Sample sample;
          while (!message.done()) {
            auto [f, w] = message.read_key();
            if (f == 1) message.read_integers(w, sample.locations);
            else if (f == 2) message.read_integers(w, sample.values);
            else message.skip(w);
          }
          samples.push_back(std::move(sample));
          break;
        }
        case 4: {
          Reader message = profile.read_bytes();
          std::uint64_t id = 0;
          Location location;
          while (!message.done()) {
            auto [f, w] = message.read_key();
            if (f == 1) {
              id = message.read_integer(w);
            } else if (f == 3) {
              location.address = message.read_integer(w);
            } else if (f == 4) {
              if (w != bytes) throw Failure{fmt::format("a Line must be length-delimited, at byte {}", message.offset())};
              Reader line = message.read_bytes();
              std::uint64_t function = 0;
              while (!line.done()) {
                auto [lf, lw] = line.read_key();
                if (lf == 1) function = line.read_integer(lw);
                else line.skip(lw);
              }
              location.functions.push_back(function);
            } else {
              message.skip(w);
            }
          }
          if (id == 0) throw Failure{fmt::format("a Location without an id, ending at byte {}", message.offset())};
          locations[id] = std::move(location);
          break;
        }
        case 5: {
          Reader message = profile.read_bytes();
          std::uint64_t id = 0, name = 0;
          while (!message.done()) {
            auto [f, w] = message.read_key();
            if (f == 1) id = message.read_integer(w);
            else if (f == 2) name = message.read_integer(w);
            else message.skip(w);
          }
          if (id == 0) throw Failure{fmt::format("a Function without an id, ending at byte {}", message.offset())};
          function_names[id] = name;
          break;
        }
        case 6: strings.push_back(profile.read_bytes().text()); break;
        case 11: period_type = read_value_type(profile.read_bytes()); break;
        case 12: out.period = static_cast<std::int64_t>(profile.read_integer(wire)); break;
        default: profile.skip(wire);
      }
    }
  } catch (const Failure& failure) {
    return make_error(fmt::format("{}: not a pprof profile: {}", file_name, failure.what));
  }
  if (strings.empty() || !strings.front().empty()) {
    return make_error(fmt::format("{}: not a pprof profile: its string table must start with the empty string",
                                  file_name));
  }
  auto string_at = [&](std::uint64_t index) -> Expected<std::string_view> {
    if (index >= strings.size()) {
      return make_error(fmt::format("{}: string index {} is past the string table ({} strings)", file_name, index,
                                    strings.size()));
    }
    return strings[index];
  };
  if (period_type) {
    auto unit = string_at(period_type->unit);
    if (!unit) return unit.error();
    out.period_unit = std::string(*unit);
  }
  // Which value is the sample count: the "samples" type, else the first.
  std::size_t count_index = 0;
  for (std::size_t i = 0; i < sample_types.size(); ++i) {
    auto type = string_at(sample_types[i].type);
    if (!type) return type.error();
    if (*type == "samples") {
      count_index = i;
      break;
    }
  }
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const Sample& sample = samples[s];
    if (count_index >= sample.values.size()) {
      return make_error(fmt::format("{}: sample {} has {} values, fewer than its {} sample types", file_name, s + 1,
                                    sample.values.size(), sample_types.size()));
    }
    const auto count = static_cast<std::int64_t>(sample.values[count_index]);
    if (count <= 0) continue;
    std::vector<std::string> frames;  // root first
    for (auto it = sample.locations.rbegin(); it != sample.locations.rend(); ++it) {
      const auto location = locations.find(*it);
      if (location == locations.end()) {
        return make_error(fmt::format("{}: sample {} names location {}, which the profile does not define", file_name,
                                      s + 1, *it));
      }
      if (location->second.functions.empty()) {
        frames.push_back(fmt::format("{:#x}", location->second.address));
        continue;
      }
      for (auto f = location->second.functions.rbegin(); f != location->second.functions.rend(); ++f) {
        const auto function = function_names.find(*f);
        if (function == function_names.end()) {
          return make_error(fmt::format("{}: location {} names function {}, which the profile does not define",
                                        file_name, location->first, *f));
        }
        auto name = string_at(function->second);
        if (!name) return name.error();
        frames.emplace_back(*name);
      }
    }
    if (frames.size() > static_cast<std::size_t>(kMaxDepth)) frames.resize(kMaxDepth);
    if (frames.empty()) frames.emplace_back("[unknown]");
    out.stacks.add(frames, static_cast<std::uint64_t>(count));
  }
  return out;
}

}  // namespace velo::profiler
