// The pipe splice-based methods move pages through: file -> pipe -> destination.
#pragma once

#include <cstdint>
#include <optional>

#include "families/family.hpp"
#include "families/io/fd.hpp"

namespace velo::io {

struct SplicePipe {
  UniqueFd read_end;
  UniqueFd write_end;
  std::int64_t capacity = 0;  // bytes the pipe holds, >= the chunk when the kernel allows it
};

// A pipe sized to hold one chunk (F_SETPIPE_SZ; capped by /proc/sys/fs/pipe-max-size
// for unprivileged users, in which case the chunk is moved in pieces).
std::variant<SplicePipe, CaseError> open_splice_pipe(std::int64_t chunk_bytes);

}  // namespace velo::io
