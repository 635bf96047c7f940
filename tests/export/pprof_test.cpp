// pprof export: the gzipped profile.proto is inflated and decoded back with a
// small protobuf reader written here (independent of the encoder), and checked
// field by field against profile.proto's schema.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <map>
#include <string>
#include <vector>

#include "export/pprof.hpp"

using velo::profiler::FoldedStacks;

namespace {

std::string gunzip(const std::string& bytes) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 32) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(inflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

// A decoded message: field number -> values (varints) and byte strings.
struct Message {
  std::multimap<int, std::uint64_t> varints;
  std::multimap<int, std::string> bytes;

  std::vector<std::uint64_t> packed(int field) const {  // packed or repeated varints
    std::vector<std::uint64_t> values;
    for (auto [it, end] = bytes.equal_range(field); it != end; ++it) {
      std::size_t at = 0;
      while (at < it->second.size()) values.push_back(read_varint(it->second, at));
    }
    for (auto [it, end] = varints.equal_range(field); it != end; ++it) values.push_back(it->second);
    return values;
  }
  std::uint64_t one(int field) const {
    auto it = varints.find(field);
    return it == varints.end() ? 0 : it->second;
  }
  std::vector<Message> messages(int field) const;

  static std::uint64_t read_varint(const std::string& data, std::size_t& at) {
    std::uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      REQUIRE(at < data.size());
      const auto byte = static_cast<unsigned char>(data[at++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
  }
  static Message decode(const std::string& data) {
    Message message;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::uint64_t key = read_varint(data, at);
      const int field = static_cast<int>(key >> 3);
      switch (key & 7) {
        case 0: message.varints.emplace(field, read_varint(data, at)); break;
        case 2: {
          const std::uint64_t size = read_varint(data, at);
          REQUIRE(at + size <= data.size());
          message.bytes.emplace(field, data.substr(at, size));
          at += size;
          break;
        }
        default: FAIL("unexpected wire type " << (key & 7));
      }
    }
    return message;
  }
};

std::vector<Message> Message::messages(int field) const {
  std::vector<Message> out;
  for (auto [it, end] = bytes.equal_range(field); it != end; ++it) out.push_back(decode(it->second));
  return out;
}

}  // namespace

TEST_CASE("pprof profile decodes back to the same samples, functions and labels", "[pprof]") {
  auto stacks = FoldedStacks::parse(
      "[thread:main];main;run;compute 6\n[thread:worker-1];worker_loop;push 3\nmain;idle 2\n");
  REQUIRE(stacks.ok());
  auto gz = velo::exporter::pprof_gzip(*stacks, {.hz = 100});
  REQUIRE(gz.ok());
  REQUIRE(gz->size() > 2);
  CHECK(static_cast<unsigned char>((*gz)[0]) == 0x1f);  // gzip magic
  CHECK(static_cast<unsigned char>((*gz)[1]) == 0x8b);
  const Message profile = Message::decode(gunzip(*gz));

  std::vector<std::string> strings;
  for (auto [it, end] = profile.bytes.equal_range(6); it != end; ++it) strings.push_back(it->second);
  REQUIRE(!strings.empty());
  CHECK(strings[0].empty());
  auto text = [&](std::uint64_t index) {
    REQUIRE(index < strings.size());
    return strings[index];
  };

  const auto types = profile.messages(1);
  REQUIRE(types.size() == 2);
  CHECK(text(types[0].one(1)) == "samples");
  CHECK(text(types[0].one(2)) == "count");
  CHECK(text(types[1].one(1)) == "cpu");
  CHECK(text(types[1].one(2)) == "nanoseconds");
  const auto period_type = profile.messages(11);
  REQUIRE(period_type.size() == 1);
  CHECK(text(period_type[0].one(1)) == "cpu");
  CHECK(profile.one(12) == 10'000'000);  // 100 Hz

  std::map<std::uint64_t, std::string> function_names;
  for (const auto& function : profile.messages(5)) function_names[function.one(1)] = text(function.one(2));
  std::map<std::uint64_t, std::string> location_names;
  for (const auto& location : profile.messages(4)) {
    const auto lines = location.messages(4);
    REQUIRE(lines.size() == 1);
    REQUIRE(function_names.count(lines[0].one(1)) == 1);
    location_names[location.one(1)] = function_names[lines[0].one(1)];
  }
  CHECK(location_names.size() == 6);  // main run compute worker_loop push idle; no thread frames
  for (const auto& [id, name] : location_names) CHECK(name.find("[thread:") == std::string::npos);

  // Samples: leaf first, values {count, count * period}, thread label.
  std::map<std::string, std::pair<std::vector<std::uint64_t>, std::string>> samples;
  for (const auto& sample : profile.messages(2)) {
    std::string stack;
    const auto ids = sample.packed(1);
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) stack += (stack.empty() ? "" : ";") + location_names.at(*it);
    std::string thread;
    for (const auto& label : sample.messages(3)) {
      CHECK(text(label.one(1)) == "thread");
      thread = text(label.one(2));
    }
    samples[stack] = {sample.packed(2), thread};
  }
  REQUIRE(samples.size() == 3);
  CHECK(samples["main;run;compute"].first == std::vector<std::uint64_t>{6, 60'000'000});
  CHECK(samples["main;run;compute"].second == "main");
  CHECK(samples["worker_loop;push"].first == std::vector<std::uint64_t>{3, 30'000'000});
  CHECK(samples["worker_loop;push"].second == "worker-1");
  CHECK(samples["main;idle"].first == std::vector<std::uint64_t>{2, 20'000'000});
  CHECK(samples["main;idle"].second.empty());
}
