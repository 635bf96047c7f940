// splice through io_uring (IORING_OP_SPLICE): per chunk, file -> pipe and pipe ->
// destination submitted together as a linked pair (IOSQE_IO_LINK: the second
// starts when the first completes), so a chunk costs one io_uring_enter instead of
// splice's two system calls. A short first splice breaks the link (the second
// completes -ECANCELED); whatever is left in the pipe is drained before the next
// chunk. Invariant: the pipe is empty between chunks.
#include <fcntl.h>

#include "families/io/io.hpp"
#include "families/io/pipe.hpp"
#include "families/io/ring.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

#ifdef VELO_HAVE_LIBURING
class IoUringSplice {
 public:
  explicit IoUringSplice(const Params&) {}

  std::optional<CaseError> open(const Transfer& transfer) {
    auto pipe = open_splice_pipe(transfer.chunk);
    if (auto* error = std::get_if<CaseError>(&pipe)) return *error;
    pipe_ = std::move(std::get<SplicePipe>(pipe));
    if (auto error = ring_.init(4)) return CaseError{*error};
    return std::nullopt;
  }

  Expected<std::int64_t> move(const Transfer& transfer) {
    std::int64_t in_offset = 0;
    std::int64_t written = 0;
    while (in_offset < transfer.bytes) {
      const auto want = static_cast<unsigned>(std::min({transfer.chunk, transfer.bytes - in_offset, pipe_.capacity}));
      io_uring_sqe* in = ring_.next_sqe();
      io_uring_prep_splice(in, transfer.source, in_offset, pipe_.write_end.get(), -1, want, SPLICE_F_MOVE);
      in->flags |= IOSQE_IO_LINK;
      io_uring_sqe* out = ring_.next_sqe();
      io_uring_prep_splice(out, pipe_.read_end.get(), -1, transfer.dest, out_offset(transfer, written), want,
                           SPLICE_F_MOVE);
      io_uring_sqe_set_data64(in, 0);
      io_uring_sqe_set_data64(out, 1);
      if (const int rc = ring_.submit_and_wait(2); rc < 0) {
        return make_error("io_uring_submit_and_wait: " + errno_text(-rc));
      }
      int results[2] = {0, 0};
      for (int seen = 0; seen < 2; ++seen) {
        io_uring_cqe* cqe = nullptr;
        if (const int rc = io_uring_wait_cqe(ring_.get(), &cqe); rc < 0) {
          return make_error("io_uring_wait_cqe: " + errno_text(-rc));
        }
        results[io_uring_cqe_get_data64(cqe)] = cqe->res;
        io_uring_cqe_seen(ring_.get(), cqe);
      }
      if (results[0] <= 0) {
        return make_error(results[0] == 0 ? fmt::format("source ended at {} of {} bytes", in_offset, transfer.bytes)
                                          : "io_uring splice(source -> pipe): " + errno_text(-results[0]));
      }
      if (results[1] < 0 && results[1] != -ECANCELED) {
        return make_error("io_uring splice(pipe -> destination): " + errno_text(-results[1]));
      }
      in_offset += results[0];
      std::int64_t in_pipe = results[0] - std::max(results[1], 0);
      written += std::max(results[1], 0);
      while (in_pipe > 0) {  // a short second splice: drain the rest
        io_uring_sqe* rest = ring_.next_sqe();
        io_uring_prep_splice(rest, pipe_.read_end.get(), -1, transfer.dest, out_offset(transfer, written),
                             static_cast<unsigned>(in_pipe), SPLICE_F_MOVE);
        io_uring_cqe* cqe = nullptr;
        if (const int rc = ring_.submit_and_wait(1); rc < 0) return make_error("io_uring_submit_and_wait: " + errno_text(-rc));
        if (const int rc = io_uring_wait_cqe(ring_.get(), &cqe); rc < 0) return make_error("io_uring_wait_cqe: " + errno_text(-rc));
        const int res = cqe->res;
        io_uring_cqe_seen(ring_.get(), cqe);
        if (res <= 0) return make_error("io_uring splice(pipe -> destination): " + errno_text(res == 0 ? EPIPE : -res));
        in_pipe -= res;
        written += res;
      }
    }
    syscalls = ring_.enters;
    return written;
  }

  void describe(nlohmann::json& details) const { details["pipe_bytes"] = pipe_.capacity; }

  std::int64_t syscalls = 0;

 private:
  // Files are written at an explicit offset; streams take -1 (no offset).
  static std::int64_t out_offset(const Transfer& transfer, std::int64_t written) {
    return transfer.dest_is_file() ? written : -1;
  }

  SplicePipe pipe_;
  Ring ring_;
};
#else
struct IoUringSplice {
  explicit IoUringSplice(const Params&) {}
  std::optional<CaseError> open(const Transfer&) { return CaseError{"built without liburing", true}; }
  Expected<std::int64_t> move(const Transfer&) { return make_error("built without liburing"); }
  std::int64_t syscalls = 0;
};
#endif

}  // namespace

Implementation io_uring_splice() {
  return transfer_implementation<IoUringSplice>(
      "io_uring_splice", "io_uring SPLICE file -> pipe -> destination, a linked pair per chunk", {}, {},
      [] { return io_uring_unsupported({"SPLICE"}); });
}

}  // namespace velo::io
