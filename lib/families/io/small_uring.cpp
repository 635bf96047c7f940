// small_writes through io_uring: iov_count IORING_OP_WRITE requests, one per
// record, queued and submitted by one io_uring_enter that also waits for all of
// them. The requests are linked (IOSQE_IO_LINK) because writes to one stream must
// not overtake each other; a short write breaks the link (the rest complete
// -ECANCELED), and the next batch resumes from the byte it stopped at.
#include <vector>

#include "families/io/io.hpp"
#include "families/io/ring.hpp"
#include "families/io/small_writes.hpp"

namespace velo::io {
namespace {

#ifdef VELO_HAVE_LIBURING
class UringWrites {
 public:
  explicit UringWrites(const Params& params)
      : batch_(static_cast<int>(params.integer("iov_count"))), results_(static_cast<std::size_t>(batch_)) {}

  std::optional<CaseError> open(int) {
    if (auto error = ring_.init(static_cast<unsigned>(batch_))) return CaseError{*error};
    return std::nullopt;
  }

  Expected<std::int64_t> write_records(int fd, const Records& records) {
    const std::int64_t size = records.record_bytes();
    std::int64_t next = 0;
    std::int64_t into_next = 0;
    while (next < records.count()) {
      const int batch = static_cast<int>(std::min<std::int64_t>(batch_, records.count() - next));
      for (int i = 0; i < batch; ++i) {
        const std::int64_t skip = i == 0 ? into_next : 0;
        io_uring_sqe* sqe = ring_.next_sqe();
        io_uring_prep_write(sqe, fd, records.at(next + i) + skip, static_cast<unsigned>(size - skip), 0);
        io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(i));
        if (i + 1 < batch) sqe->flags |= IOSQE_IO_LINK;
      }
      const int rc = ring_.submit_and_wait(static_cast<unsigned>(batch));
      syscalls = ring_.enters;
      if (rc < 0) return make_error("io_uring_submit_and_wait: " + errno_text(-rc));
      for (int seen = 0; seen < batch; ++seen) {
        io_uring_cqe* cqe = nullptr;
        if (const int wait = io_uring_wait_cqe(ring_.get(), &cqe); wait < 0) {
          return make_error("io_uring_wait_cqe: " + errno_text(-wait));
        }
        results_[io_uring_cqe_get_data64(cqe)] = cqe->res;
        io_uring_cqe_seen(ring_.get(), cqe);
      }
      // The completed prefix of the chain, then where the next batch starts.
      for (int i = 0; i < batch; ++i) {
        const int res = results_[static_cast<std::size_t>(i)];
        const std::int64_t wanted = size - (i == 0 ? into_next : 0);
        if (res == wanted) {
          ++next;
          into_next = 0;
          continue;
        }
        if (res == -ECANCELED) break;
        if (res <= 0) return make_error("io_uring write(sink): " + errno_text(res == 0 ? EPIPE : -res));
        into_next += res;  // a short write: resume inside this record
        if (i + 1 < batch && results_[static_cast<std::size_t>(i) + 1] != -ECANCELED) {
          return make_error("a linked write ran on after a short write: the stream's byte order is lost");
        }
        break;
      }
    }
    syscalls = ring_.enters;
    return records.total_bytes();
  }

  std::int64_t syscalls = 0;

 private:
  int batch_;
  std::vector<int> results_;
  Ring ring_;
};
#else
struct UringWrites {
  explicit UringWrites(const Params&) {}
  std::optional<CaseError> open(int) { return CaseError{"built without liburing", true}; }
  Expected<std::int64_t> write_records(int, const Records&) { return make_error("built without liburing"); }
  std::int64_t syscalls = 0;
};
#endif

}  // namespace

Implementation small_uring() {
  return small_writes_implementation<UringWrites>(
      "small_uring", "io_uring: iov_count linked writes per io_uring_enter", {iov_count_param()},
      [] { return io_uring_unsupported({"WRITE"}); });
}

}  // namespace velo::io
