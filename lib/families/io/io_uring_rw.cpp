// Reads and writes through io_uring (Jens Axboe, "Efficient IO with io_uring",
// 2019): queue_depth chunks in flight in registered buffers, READ_FIXED from the
// file then WRITE_FIXED to the destination; one io_uring_enter submits the next
// requests and waits for the next completion. Same copies as read_write, far fewer
// system calls once queue_depth > 1. The pipeline is in uring_pipeline.cpp.
#include "families/io/io.hpp"
#include "families/io/ring.hpp"
#include "families/io/transfer_workload.hpp"
#include "families/io/uring_pipeline.hpp"

namespace velo::io {
namespace {

#ifdef VELO_HAVE_LIBURING
class IoUringRw {
 public:
  explicit IoUringRw(const Params& params)
      : pipeline_(UringPipeline::Output::write_fixed, static_cast<int>(params.integer("queue_depth"))) {}
  std::optional<CaseError> open(const Transfer& transfer) { return pipeline_.open(transfer); }
  Expected<std::int64_t> move(const Transfer& transfer) {
    auto moved = pipeline_.move(transfer);
    syscalls = pipeline_.enters();
    return moved;
  }
  std::int64_t syscalls = 0;

 private:
  UringPipeline pipeline_;
};
#else
struct IoUringRw {  // never built: the factory skips first ("built without liburing")
  explicit IoUringRw(const Params&) {}
  std::optional<CaseError> open(const Transfer&) { return CaseError{"built without liburing", true}; }
  Expected<std::int64_t> move(const Transfer&) { return make_error("built without liburing"); }
  std::int64_t syscalls = 0;
};
#endif

}  // namespace

Implementation io_uring_rw() {
  return transfer_implementation<IoUringRw>(
      "io_uring_rw", "io_uring READ_FIXED + WRITE_FIXED, queue_depth chunks in flight in registered buffers",
      {queue_depth_param()}, {}, [] { return io_uring_unsupported({"READ_FIXED", "WRITE_FIXED"}); });
}

}  // namespace velo::io
