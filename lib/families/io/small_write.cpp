// small_writes baseline: one write(2) per record, the way naive logging or RPC code
// sends. A system call per record, whatever the record's size.
#include <unistd.h>

#include "families/io/io.hpp"
#include "families/io/small_writes.hpp"

namespace velo::io {
namespace {

class WritePerRecord {
 public:
  explicit WritePerRecord(const Params&) {}
  std::optional<CaseError> open(int) { return std::nullopt; }

  Expected<std::int64_t> write_records(int fd, const Records& records) {
    const auto size = static_cast<std::size_t>(records.record_bytes());
    std::int64_t written = 0;
    for (std::int64_t i = 0; i < records.count(); ++i) {
      const std::byte* record = records.at(i);
      for (std::size_t done = 0; done < size;) {
        ++syscalls;
        const ssize_t n = ::write(fd, record + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(system_error("write(sink)"));
        done += static_cast<std::size_t>(n);
      }
      written += records.record_bytes();
    }
    return written;
  }

  std::int64_t syscalls = 0;
};

}  // namespace

Implementation small_write() {
  return small_writes_implementation<WritePerRecord>("small_write", "one write(2) per record");
}

}  // namespace velo::io
