// splice(2) twice per chunk: file -> pipe (the pipe takes references to the
// page-cache pages), then pipe -> destination. No user buffer; this is the
// mechanism sendfile uses internally, made explicit (Linux's "splice and tee",
// Jens Axboe / Linus Torvalds, 2006). Invariant: the pipe is empty between chunks.
#include <fcntl.h>

#include "families/io/io.hpp"
#include "families/io/pipe.hpp"
#include "families/io/transfer_workload.hpp"

namespace velo::io {
namespace {

class Splice {
 public:
  explicit Splice(const Params&) {}

  std::optional<CaseError> open(const Transfer& transfer) {
    auto pipe = open_splice_pipe(transfer.chunk);
    if (auto* error = std::get_if<CaseError>(&pipe)) return *error;
    pipe_ = std::move(std::get<SplicePipe>(pipe));
    return std::nullopt;
  }

  Expected<std::int64_t> move(const Transfer& transfer) {
    loff_t in_offset = 0;
    loff_t out_offset = 0;
    loff_t* out_position = transfer.dest_is_file() ? &out_offset : nullptr;
    std::int64_t written = 0;
    while (in_offset < transfer.bytes) {
      const auto want = static_cast<std::size_t>(
          std::min({transfer.chunk, transfer.bytes - in_offset, pipe_.capacity}));
      ++syscalls;
      const ssize_t in = ::splice(transfer.source, &in_offset, pipe_.write_end.get(), nullptr, want, SPLICE_F_MOVE);
      if (in < 0 && errno == EINTR) continue;
      if (in < 0) return make_error(system_error("splice(source -> pipe)"));
      if (in == 0) return make_error(fmt::format("source ended at {} of {} bytes", in_offset, transfer.bytes));
      for (ssize_t drained = 0; drained < in;) {
        ++syscalls;
        const ssize_t out = ::splice(pipe_.read_end.get(), nullptr, transfer.dest, out_position,
                                     static_cast<std::size_t>(in - drained), SPLICE_F_MOVE);
        if (out < 0 && errno == EINTR) continue;
        if (out <= 0) return make_error(system_error("splice(pipe -> destination)"));
        drained += out;
        written += out;
      }
    }
    return written;
  }

  void describe(nlohmann::json& details) const { details["pipe_bytes"] = pipe_.capacity; }

  std::int64_t syscalls = 0;

 private:
  SplicePipe pipe_;
};

}  // namespace

Implementation splice() {
  return transfer_implementation<Splice>("splice", "splice file -> pipe -> destination, chunk_bytes per pair");
}

}  // namespace velo::io
