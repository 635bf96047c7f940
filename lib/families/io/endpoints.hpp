// Where the bytes go: a connected stream (TCP on loopback, a Unix-domain socket
// pair, a pipe) whose far end is drained by a Receiver thread, or an unnamed
// destination file.
//
// Nothing here has a name in the filesystem: the Unix sockets are a socketpair,
// the TCP listener is closed once connected, and the destination file is
// O_TMPFILE (or unlinked at once), so even a worker killed by a timeout leaves
// nothing behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "families/io/fd.hpp"
#include "families/io/page_buffer.hpp"
#include "families/io/source_file.hpp"

namespace velo::io {

enum class StreamKind { tcp, unix_socket, pipe };

struct StreamPair {
  UniqueFd sender;    // write end
  UniqueFd receiver;  // read end
};

// TCP: 127.0.0.1 on an ephemeral port, TCP_NODELAY on the sender (a small write
// leaves at once instead of waiting on Nagle). Unix: socketpair(SOCK_STREAM). All
// with the kernel's default buffer sizes.
Expected<StreamPair> connect_stream(StreamKind kind);

// An unnamed file in `directory`, optionally with `prealloc_bytes` allocated.
Expected<UniqueFd> open_destination_file(const std::string& directory, std::int64_t prealloc_bytes);

// The far end of a stream, run as a ThreadTeam member: reads exactly
// `bytes_per_op` bytes per op, counting them. receive() is what the timed round
// runs: it reads and counts, nothing more. receive_verified() reads the same way
// and also hashes each op's bytes against `expected_hash`: workloads call it in an
// untimed round of its own, so verification is never part of a measurement. A
// premature end of stream or a hash mismatch is recorded, not thrown; the
// workload reports it after the round.
class Receiver {
 public:
  Receiver(int fd, std::int64_t bytes_per_op, std::optional<std::uint64_t> expected_hash);

  void receive(std::int64_t ops) { read_ops(ops, false); }
  void receive_verified(std::int64_t ops) { read_ops(ops, expected_hash_.has_value()); }
  bool verifies() const { return expected_hash_.has_value(); }

  std::int64_t received() const { return received_; }
  const std::string& error() const { return error_; }
  std::int64_t syscalls() const { return syscalls_; }

 private:
  void read_ops(std::int64_t ops, bool hash_content);

  int fd_;
  std::int64_t bytes_per_op_;
  std::optional<std::uint64_t> expected_hash_;
  PageBuffer buffer_;  // page-aligned: see page_buffer.hpp
  std::int64_t received_ = 0;
  std::int64_t syscalls_ = 0;
  std::string error_;
};

}  // namespace velo::io
