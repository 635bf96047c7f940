// The io_uring pipeline io_uring_rw and io_uring_send_zc share: `queue_depth`
// chunks in flight, each in its own registered buffer. A chunk is read with
// READ_FIXED, then sent with WRITE_FIXED (io_uring_rw) or SEND_ZC (io_uring_send_zc,
// zero-copy send as in the kernel's MSG_ZEROCOPY / io_uring SEND_ZC design,
// Pavel Begunkov, Linux 6.0).
//
// Invariants:
//   - a buffer is read into only when its chunk is fully written and, for SEND_ZC,
//     the kernel has posted the notification releasing the pages;
//   - to a file, writes go out as soon as their chunk is read (each at its own
//     offset); to a stream, writes go out in offset order with one in flight, so
//     a short write can be resumed and the bytes arrive in file order;
//   - move() returns only with nothing in flight, even on failure, so no request
//     outlives the op that issued it.
#pragma once

#ifdef VELO_HAVE_LIBURING

#include <cstdint>
#include <optional>
#include <vector>

#include "families/family.hpp"
#include "families/io/ring.hpp"
#include "families/io/transfer.hpp"

namespace velo::io {

class UringPipeline {
 public:
  enum class Output { write_fixed, send_zc };

  UringPipeline(Output output, int queue_depth) : output_(output), depth_(queue_depth) {}
  ~UringPipeline();
  UringPipeline(const UringPipeline&) = delete;
  UringPipeline& operator=(const UringPipeline&) = delete;

  std::optional<CaseError> open(const Transfer& transfer);
  Expected<std::int64_t> move(const Transfer& transfer);

  std::int64_t enters() const { return ring_.enters; }
  // SEND_ZC notifications seen, and how many said the kernel copied the data anyway.
  std::int64_t notifications() const { return notifications_; }
  std::int64_t copied_notifications() const { return copied_notifications_; }

 private:
  enum class State { idle, reading, read_pending, ready, writing };
  struct Slot {
    State state = State::idle;
    std::int64_t offset = 0;  // of the chunk in the file
    std::int64_t length = 0;
    std::int64_t filled = 0;
    std::int64_t written = 0;
    int notifications_pending = 0;
    std::byte* buffer = nullptr;
  };

  void issue_read(const Transfer& transfer, int index);
  void issue_write(const Transfer& transfer, int index);
  Status reap(const Transfer& transfer);
  void drain();  // waits out everything in flight after a failure

  Output output_;
  int depth_;
  std::byte* buffers_ = nullptr;
  std::vector<Slot> slots_;
  Ring ring_;
  int in_flight_ = 0;  // requests and notifications still to complete
  bool write_in_flight_ = false;
  std::int64_t stream_position_ = 0;
  std::int64_t written_total_ = 0;
  std::int64_t notifications_ = 0;
  std::int64_t copied_notifications_ = 0;
};

}  // namespace velo::io

#endif
