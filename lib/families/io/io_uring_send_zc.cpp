// Zero-copy send through io_uring (IORING_OP_SEND_ZC, Linux 6.0): chunks are read
// into registered buffers with READ_FIXED and sent without copying them into the
// socket; the kernel posts a second completion (the notification) when the pages
// are no longer referenced, and only then is a buffer reused.
//
// On loopback the receiving socket needs its own copy, so the kernel copies anyway
// and flags the notification IORING_NOTIF_USAGE_ZC_COPIED (Linux 6.2+, asked for
// with IORING_SEND_ZC_REPORT_USAGE). This variant reports the share of copied
// notifications as zc_copied_pct, so a loopback result cannot pass for a real
// zero-copy one. TCP only: the other paths are skipped.
#include <fmt/format.h>

#include "families/io/io.hpp"
#include "families/io/ring.hpp"
#include "families/io/transfer_workload.hpp"
#include "families/io/uring_pipeline.hpp"

namespace velo::io {
namespace {

#ifdef VELO_HAVE_LIBURING
class IoUringSendZc {
 public:
  explicit IoUringSendZc(const Params& params)
      : pipeline_(UringPipeline::Output::send_zc, static_cast<int>(params.integer("queue_depth"))) {}
  std::optional<CaseError> open(const Transfer& transfer) { return pipeline_.open(transfer); }
  Expected<std::int64_t> move(const Transfer& transfer) {
    auto moved = pipeline_.move(transfer);
    syscalls = pipeline_.enters();
    return moved;
  }

  void report(MetricSink& sink, std::int64_t) {
    const std::int64_t notifications = pipeline_.notifications() - notifications_reported_;
    const std::int64_t copied = pipeline_.copied_notifications() - copied_reported_;
    notifications_reported_ = pipeline_.notifications();
    copied_reported_ = pipeline_.copied_notifications();
    if (notifications == 0) return;  // nothing sent: nothing to say
    sink.add("zc_copied_pct", 100.0 * static_cast<double>(copied) / static_cast<double>(notifications));
    // Notes are gathered per run, so "all of them" stays one note however many sends
    // each case made; zc_copied_pct carries the exact share.
    if (copied == notifications) {
      sink.note("io_uring_send_zc: the kernel copied the data anyway for every zero-copy send "
                "(IORING_NOTIF_USAGE_ZC_COPIED; loopback always copies)");
    } else if (copied > 0) {
      sink.note(fmt::format("io_uring_send_zc: the kernel copied the data anyway for {} of {} sends "
                            "(IORING_NOTIF_USAGE_ZC_COPIED)",
                            copied, notifications));
    }
  }

  std::int64_t syscalls = 0;

 private:
  UringPipeline pipeline_;
  std::int64_t notifications_reported_ = 0;
  std::int64_t copied_reported_ = 0;
};
#else
struct IoUringSendZc {
  explicit IoUringSendZc(const Params&) {}
  std::optional<CaseError> open(const Transfer&) { return CaseError{"built without liburing", true}; }
  Expected<std::int64_t> move(const Transfer&) { return make_error("built without liburing"); }
  std::int64_t syscalls = 0;
};
#endif

}  // namespace

Implementation io_uring_send_zc() {
  return transfer_implementation<IoUringSendZc>(
      "io_uring_send_zc", "io_uring READ_FIXED + SEND_ZC (zero-copy send; loopback copies anyway)",
      {queue_depth_param()},
      [](const Params& params) { return unless_path(params, Path::file_to_tcp, "io_uring_send_zc"); },
      [] { return io_uring_unsupported({"READ_FIXED", "SEND_ZC"}); });
}

}  // namespace velo::io
