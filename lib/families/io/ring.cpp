#include "families/io/ring.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <map>
#include <mutex>

#include "families/io/fd.hpp"

namespace velo::io {

#ifdef VELO_HAVE_LIBURING

namespace {

std::optional<int> opcode_named(std::string_view name) {
  static const std::map<std::string_view, int> opcodes = {
      {"READ_FIXED", IORING_OP_READ_FIXED}, {"WRITE_FIXED", IORING_OP_WRITE_FIXED},
      {"WRITE", IORING_OP_WRITE},           {"SPLICE", IORING_OP_SPLICE},
      {"SEND_ZC", IORING_OP_SEND_ZC},
  };
  auto it = opcodes.find(name);
  if (it == opcodes.end()) return std::nullopt;
  return it->second;
}

// One probe per process: what the kernel allows does not change while it runs.
struct Probe {
  std::optional<std::string> ring_error;
  io_uring_probe* probe = nullptr;
};

const Probe& kernel_probe() {
  static const Probe probe = [] {
    Probe result;
    io_uring ring{};
    const int rc = io_uring_queue_init(2, &ring, 0);
    if (rc < 0) {
      const int err = -rc;
      if (err == ENOSYS) {
        result.ring_error = "io_uring is not available: io_uring_setup failed with ENOSYS (kernel without io_uring)";
      } else if (err == EPERM) {
        result.ring_error =
            "io_uring is forbidden: io_uring_setup failed with EPERM (kernel.io_uring_disabled or a seccomp filter)";
      } else {
        result.ring_error = "io_uring_queue_init failed: " + errno_text(err);
      }
      return result;
    }
    result.probe = io_uring_get_probe_ring(&ring);
    io_uring_queue_exit(&ring);
    if (!result.probe) result.ring_error = "io_uring_get_probe failed (kernel older than 5.6)";
    return result;
  }();
  return probe;
}

}  // namespace

std::optional<std::string> io_uring_unsupported(std::initializer_list<std::string_view> opcodes) {
  const Probe& probe = kernel_probe();
  if (probe.ring_error) return probe.ring_error;
  for (std::string_view name : opcodes) {
    const auto opcode = opcode_named(name);
    if (!opcode || !io_uring_opcode_supported(probe.probe, *opcode)) {
      return fmt::format("this kernel's io_uring does not support IORING_OP_{} (io_uring_get_probe)", name);
    }
  }
  return std::nullopt;
}

Ring::~Ring() {
  if (ready_) io_uring_queue_exit(&ring_);
}

std::optional<std::string> Ring::init(unsigned entries) {
  const int rc = io_uring_queue_init(entries, &ring_, 0);
  if (rc < 0) return "io_uring_queue_init: " + errno_text(-rc);
  ready_ = true;
  return std::nullopt;
}

int Ring::submit_and_wait(unsigned wait) {
  for (;;) {
    ++enters;
    const int rc = io_uring_submit_and_wait(&ring_, wait);
    if (rc != -EINTR) return rc;
  }
}

#else

std::optional<std::string> io_uring_unsupported(std::initializer_list<std::string_view>) {
  return "built without liburing";
}

#endif

}  // namespace velo::io
