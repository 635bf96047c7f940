// Gather writes: writev(2) of iov_count records per call, each record where it
// lies in memory (no staging copy). A short write resumes mid-record from the
// byte the kernel stopped at. One system call per iov_count records.
#include <sys/uio.h>

#include <vector>

#include "families/io/io.hpp"
#include "families/io/small_writes.hpp"

namespace velo::io {
namespace {

class Writev {
 public:
  explicit Writev(const Params& params) : iovecs_(static_cast<std::size_t>(params.integer("iov_count"))) {}
  std::optional<CaseError> open(int) { return std::nullopt; }

  Expected<std::int64_t> write_records(int fd, const Records& records) {
    const std::int64_t size = records.record_bytes();
    const auto capacity = static_cast<std::int64_t>(iovecs_.size());
    std::int64_t next = 0;        // first record not yet fully written
    std::int64_t into_next = 0;   // bytes of it already written
    while (next < records.count()) {
      const std::int64_t batch = std::min(capacity, records.count() - next);
      for (std::int64_t i = 0; i < batch; ++i) {
        const std::int64_t skip = i == 0 ? into_next : 0;
        iovecs_[static_cast<std::size_t>(i)] = {const_cast<std::byte*>(records.at(next + i)) + skip,
                                                static_cast<std::size_t>(size - skip)};
      }
      ++syscalls;
      const ssize_t n = ::writev(fd, iovecs_.data(), static_cast<int>(batch));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return make_error(system_error("writev(sink)"));
      const std::int64_t through = into_next + n;  // bytes past the start of record `next`
      next += through / size;
      into_next = through % size;
    }
    return records.total_bytes();
  }

  std::int64_t syscalls = 0;

 private:
  std::vector<iovec> iovecs_;
};

}  // namespace

Implementation small_writev() {
  return small_writes_implementation<Writev>("small_writev", "writev(2) of iov_count records per call",
                                             {iov_count_param()});
}

}  // namespace velo::io
