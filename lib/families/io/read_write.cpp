// The classic copy loop: pread a chunk of the file into a user buffer, then write
// it out (pwrite for a file, write for a socket), retrying short writes. Every byte
// crosses the user/kernel boundary twice; this is the baseline the other methods
// try to beat.
#include <unistd.h>

#include <optional>

#include "families/io/io.hpp"
#include "families/io/page_buffer.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

class ReadWrite {
 public:
  explicit ReadWrite(const Params&) {}

  std::optional<CaseError> open(const Transfer& transfer) {
    buffer_.emplace(static_cast<std::size_t>(transfer.chunk));
    return std::nullopt;
  }

  Expected<std::int64_t> move(const Transfer& transfer) {
    std::int64_t offset = 0;
    while (offset < transfer.bytes) {
      const auto want = static_cast<std::size_t>(std::min(transfer.chunk, transfer.bytes - offset));
      ++syscalls;
      const ssize_t got = ::pread(transfer.source, buffer_->data(), want, offset);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return make_error(system_error("pread(source)"));
      if (got == 0) return make_error(fmt::format("source ended at {} of {} bytes", offset, transfer.bytes));
      for (ssize_t sent = 0; sent < got;) {
        ++syscalls;
        const ssize_t n = transfer.dest_is_file()
                              ? ::pwrite(transfer.dest, buffer_->data() + sent, static_cast<std::size_t>(got - sent),
                                         offset + sent)
                              : ::write(transfer.dest, buffer_->data() + sent, static_cast<std::size_t>(got - sent));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(system_error("write(destination)"));
        sent += n;
      }
      offset += got;
    }
    return offset;
  }

  std::int64_t syscalls = 0;

 private:
  std::optional<PageBuffer> buffer_;  // page-aligned: see page_buffer.hpp
};

}  // namespace

Implementation read_write() {
  return transfer_implementation<ReadWrite>("read_write", "pread into a chunk_bytes buffer, then write it out");
}

}  // namespace velo::io
