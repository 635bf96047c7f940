#include "families/io/small_writes.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <span>

namespace velo::io {

Records::Records(std::int64_t count, std::int64_t record_bytes)
    : count_(count),
      record_bytes_(record_bytes),
      window_(std::max<std::int64_t>(1, std::min({count, std::int64_t{4096}, (std::int64_t{4} << 20) / record_bytes}))),
      memory_(static_cast<std::size_t>(window_ * record_bytes)) {
  fill_source_content(0, std::span(memory_.data(), memory_.size()));
}

std::uint64_t Records::content_hash() const {
  ContentHash hash;
  for (std::int64_t i = 0; i < count_; ++i) hash.update(at(i), static_cast<std::size_t>(record_bytes_));
  return hash.value();
}

std::vector<ParamSpec> small_write_params() {
  return {
      {.name = "sink", .type = ParamType::choice, .default_value = std::string("tcp"),
       .doc = "where the records go: loopback TCP, a Unix socket pair or a pipe, drained by a receiver thread",
       .choices = {"tcp", "unix", "pipe"}},
      {.name = "records", .type = ParamType::integer, .default_value = std::int64_t{16384},
       .doc = "records written per op", .min = 0, .max = 100'000'000},
      {.name = "record_bytes", .type = ParamType::bytes, .default_value = std::int64_t{64},
       .doc = "size of one record", .unit = "B", .min = 1, .max = 65536},
      {.name = "verify_content", .type = ParamType::boolean, .default_value = false,
       .doc = "check content (XXH3), outside timing: after each repetition one more op is hashed at the receiver"},
  };
}

ParamSpec iov_count_param() {
  return {.name = "iov_count", .type = ParamType::integer, .default_value = std::int64_t{16},
          .doc = "records per writev call / per io_uring_submit", .min = 1, .max = IOV_MAX};
}

}  // namespace velo::io
