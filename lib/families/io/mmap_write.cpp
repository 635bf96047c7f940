// Map the source file and write straight from the mapping: one copy fewer than
// read_write (no user buffer), paid for with page faults. The file is mapped and
// unmapped inside every op, because that is the cost a program pays to send a file
// this way, and because pages still mapped could not be dropped for cache=cold.
#include <sys/mman.h>
#include <unistd.h>

#include "families/io/io.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

class MmapWrite {
 public:
  explicit MmapWrite(const Params&) {}

  std::optional<CaseError> open(const Transfer&) { return std::nullopt; }

  Expected<std::int64_t> move(const Transfer& transfer) {
    if (transfer.bytes == 0) return std::int64_t{0};  // a zero-length mapping is EINVAL: nothing to send
    ++syscalls;
    void* mapped = ::mmap(nullptr, static_cast<std::size_t>(transfer.bytes), PROT_READ, MAP_SHARED, transfer.source, 0);
    if (mapped == MAP_FAILED) return make_error(system_error("mmap(source)"));
    Mapping mapping{mapped, static_cast<std::size_t>(transfer.bytes), this};
    const auto* data = static_cast<const std::byte*>(mapped);
    std::int64_t offset = 0;
    while (offset < transfer.bytes) {
      const auto want = static_cast<std::size_t>(std::min(transfer.chunk, transfer.bytes - offset));
      ++syscalls;
      const ssize_t n = transfer.dest_is_file() ? ::pwrite(transfer.dest, data + offset, want, offset)
                                                : ::write(transfer.dest, data + offset, want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return make_error(system_error("write(destination)"));
      offset += n;
    }
    return offset;
  }

  std::int64_t syscalls = 0;

 private:
  // Unmaps on every way out of move(), counted like any other call.
  struct Mapping {
    void* address;
    std::size_t length;
    MmapWrite* owner;
    ~Mapping() {
      ++owner->syscalls;
      ::munmap(address, length);
    }
  };
};

}  // namespace

Implementation mmap_write() {
  return transfer_implementation<MmapWrite>("mmap_write", "mmap the source per op and write from the mapping");
}

}  // namespace velo::io
