#include "families/io/endpoints.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace velo::io {
namespace {

Expected<StreamPair> connect_tcp_loopback() {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) return make_error(system_error("socket(AF_INET)"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // ephemeral
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(listener.get(), generic, length) != 0) return make_error(system_error("bind(127.0.0.1:0)"));
  if (::listen(listener.get(), 1) != 0) return make_error(system_error("listen"));
  if (::getsockname(listener.get(), generic, &length) != 0) return make_error(system_error("getsockname"));

  StreamPair pair;
  pair.sender.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!pair.sender) return make_error(system_error("socket(AF_INET)"));
  // The backlog holds the connection, so connect completes before accept.
  if (::connect(pair.sender.get(), generic, length) != 0) {
    return make_error(system_error(fmt::format("connect(127.0.0.1:{})", ntohs(address.sin_port))));
  }
  pair.receiver.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!pair.receiver) return make_error(system_error("accept"));
  const int one = 1;
  if (::setsockopt(pair.sender.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    return make_error(system_error("setsockopt(TCP_NODELAY)"));
  }
  return pair;
}

}  // namespace

Expected<StreamPair> connect_stream(StreamKind kind) {
  switch (kind) {
    case StreamKind::tcp:
      return connect_tcp_loopback();
    case StreamKind::unix_socket: {
      int fds[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        return make_error(system_error("socketpair(AF_UNIX)"));
      }
      return StreamPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
    }
    case StreamKind::pipe: {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) return make_error(system_error("pipe2"));
      return StreamPair{UniqueFd(fds[1]), UniqueFd(fds[0])};
    }
  }
  return make_error("unknown stream kind");
}

Expected<UniqueFd> open_destination_file(const std::string& directory, std::int64_t prealloc_bytes) {
  UniqueFd fd(::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) {
    // Filesystems without O_TMPFILE: a named file, unlinked before it is used.
    std::string path = directory + "/velo-io-dst-XXXXXX";
    fd.reset(::mkostemp(path.data(), O_CLOEXEC));
    if (!fd) return make_error(system_error("creating a destination file in " + directory));
    ::unlink(path.c_str());
  }
  if (prealloc_bytes > 0) {
    if (const int err = ::posix_fallocate(fd.get(), 0, prealloc_bytes); err != 0) {
      return make_error(system_error(fmt::format("preallocating {} bytes in {}", prealloc_bytes, directory), err));
    }
  }
  return fd;
}

Receiver::Receiver(int fd, std::int64_t bytes_per_op, std::optional<std::uint64_t> expected_hash)
    : fd_(fd), bytes_per_op_(bytes_per_op), expected_hash_(expected_hash), buffer_(256 * 1024) {}

void Receiver::read_ops(std::int64_t ops, bool hash_content) {
  // A content mismatch is recorded and reading goes on, so the sender never blocks
  // on a full socket; a read error or an early end of stream ends the round.
  for (std::int64_t op = 0; op < ops; ++op) {
    std::optional<ContentHash> hash;  // only when verifying: the timed path allocates nothing
    if (hash_content) hash.emplace();
    std::int64_t left = bytes_per_op_;
    while (left > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::int64_t>(left, static_cast<std::int64_t>(buffer_.size())));
      ++syscalls_;
      const ssize_t n = ::read(fd_, buffer_.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n == 0 ? fmt::format("the stream ended {} bytes short of a {}-byte op", left, bytes_per_op_)
                        : system_error("receiver read");
        ::shutdown(fd_, SHUT_RDWR);  // a sender blocked on this stream fails instead of hanging
        return;
      }
      if (hash) hash->update(buffer_.data(), static_cast<std::size_t>(n));
      left -= n;
      received_ += n;
    }
    if (hash && hash->value() != *expected_hash_ && error_.empty()) {
      error_ = fmt::format("the receiver got {} bytes with the wrong content (hash {:016x}, expected {:016x})",
                           bytes_per_op_, hash->value(), *expected_hash_);
    }
  }
}

}  // namespace velo::io
