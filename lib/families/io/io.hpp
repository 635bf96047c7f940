// I/O paths: how much each Linux data path (read/write, mmap, sendfile, splice,
// copy_file_range, io_uring) buys for a given file size and chunk size, in
// throughput and in CPU per byte, with every byte counted at the far end.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_io_family();

namespace io {
// Transfer methods: one op moves the whole source file along `path`.
// One Implementation per variant, as variants.def lists them.
#define VELO_VARIANT(file, function) Implementation function();
#include "families/io/variants.def"
#undef VELO_VARIANT
}  // namespace io

}  // namespace velo
