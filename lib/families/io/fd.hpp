// Owned file descriptors and the error text every io file uses. Everything the
// family opens (files, sockets, pipes, rings) is owned by an RAII object, so a
// case that fails half-way still closes all of it.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace velo::io {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// "ECONNREFUSED (Connection refused)": the symbolic name is what people search for.
std::string errno_text(int err);

// "<what>: <errno_text(errno)>"
std::string system_error(const std::string& what, int err = errno);

}  // namespace velo::io
