#include "families/io/pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace velo::io {

std::variant<SplicePipe, CaseError> open_splice_pipe(std::int64_t chunk_bytes) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return CaseError{system_error("pipe2")};
  SplicePipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1]), 0};
  int capacity = ::fcntl(pipe.write_end.get(), F_SETPIPE_SZ, static_cast<int>(chunk_bytes));
  if (capacity < 0) capacity = ::fcntl(pipe.write_end.get(), F_GETPIPE_SZ);
  if (capacity <= 0) return CaseError{system_error("F_GETPIPE_SZ")};
  pipe.capacity = capacity;
  return pipe;
}

}  // namespace velo::io
