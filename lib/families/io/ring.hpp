// io_uring through liburing: the run-time probe that decides whether an io_uring
// method can run here, and an owned ring that counts its io_uring_enter calls.
//
// Built without liburing (meson -Dio_uring=disabled, or no liburing-dev), only the
// probe exists and it answers "built without liburing".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#ifdef VELO_HAVE_LIBURING
#include <liburing.h>
#endif

namespace velo::io {

// Why io_uring cannot run the named opcodes ("READ_FIXED", "WRITE_FIXED", "WRITE",
// "SPLICE", "SEND_ZC") on this kernel, precisely: the ring cannot be created
// (ENOSYS: no io_uring; EPERM: kernel.io_uring_disabled or a seccomp filter) or
// io_uring_get_probe says an opcode is missing. nullopt if all can run.
std::optional<std::string> io_uring_unsupported(std::initializer_list<std::string_view> opcodes);

#ifdef VELO_HAVE_LIBURING

class Ring {
 public:
  Ring() = default;
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // An error message, or nullopt once the ring is ready.
  std::optional<std::string> init(unsigned entries);

  io_uring* get() { return &ring_; }
  // The caller never has more SQEs pending than the ring's entries.
  io_uring_sqe* next_sqe() { return io_uring_get_sqe(&ring_); }
  // Submits what is queued and waits for `wait` completions: one io_uring_enter.
  int submit_and_wait(unsigned wait);

  std::int64_t enters = 0;

 private:
  io_uring ring_{};
  bool ready_ = false;
};

#endif

}  // namespace velo::io
