// sendfile(2): the kernel moves file pages to the destination without a user
// buffer (to a TCP socket it references the page-cache pages; to a Unix socket or
// a file it copies inside the kernel). At most chunk_bytes per call, so the chunk
// size is comparable across methods.
#include <sys/sendfile.h>

#include "families/io/io.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

class Sendfile {
 public:
  explicit Sendfile(const Params&) {}

  std::optional<CaseError> open(const Transfer&) { return std::nullopt; }

  // A file destination is written at its file offset, which the workload resets to
  // 0 before every op.
  Expected<std::int64_t> move(const Transfer& transfer) {
    off_t offset = 0;
    while (offset < transfer.bytes) {
      const auto want = static_cast<std::size_t>(std::min<std::int64_t>(transfer.chunk, transfer.bytes - offset));
      ++syscalls;
      const ssize_t n = ::sendfile(transfer.dest, transfer.source, &offset, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(system_error("sendfile"));
      if (n == 0) return make_error(fmt::format("sendfile stopped at {} of {} bytes", offset, transfer.bytes));
    }
    return std::int64_t{offset};
  }

  std::int64_t syscalls = 0;
};

}  // namespace

Implementation sendfile() {
  return transfer_implementation<Sendfile>("sendfile", "sendfile(2) from the file, chunk_bytes per call");
}

}  // namespace velo::io
