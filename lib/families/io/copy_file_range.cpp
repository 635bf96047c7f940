// copy_file_range(2): the kernel copies between two files without the data ever
// reaching user space; filesystems that share extents (btrfs, XFS with reflink,
// NFS server-side copy) may not copy at all. Files only: other paths are skipped.
#include <unistd.h>

#include "families/io/io.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

class CopyFileRange {
 public:
  explicit CopyFileRange(const Params&) {}

  std::optional<CaseError> open(const Transfer&) { return std::nullopt; }

  Expected<std::int64_t> move(const Transfer& transfer) {
    loff_t in_offset = 0;
    loff_t out_offset = 0;
    while (in_offset < transfer.bytes) {
      const auto want = static_cast<std::size_t>(std::min<std::int64_t>(transfer.chunk, transfer.bytes - in_offset));
      ++syscalls;
      const ssize_t n = ::copy_file_range(transfer.source, &in_offset, transfer.dest, &out_offset, want, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(system_error("copy_file_range"));
      if (n == 0) return make_error(fmt::format("copy_file_range stopped at {} of {} bytes", in_offset, transfer.bytes));
    }
    return std::int64_t{out_offset};
  }

  std::int64_t syscalls = 0;
};

}  // namespace

Implementation copy_file_range() {
  return transfer_implementation<CopyFileRange>(
      "copy_file_range", "copy_file_range(2) between files, chunk_bytes per call", {},
      [](const Params& params) { return unless_path(params, Path::file_to_file, "copy_file_range"); });
}

}  // namespace velo::io
