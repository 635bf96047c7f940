// I/O paths: how much each Linux data path (read/write, mmap, sendfile, splice,
// copy_file_range, io_uring) buys for a given file size and chunk size, in
// throughput and in CPU per byte, with every byte counted at the far end.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_io_family();

namespace io {
// Transfer methods: one op moves the whole source file along `path`.
Implementation read_write();
Implementation mmap_write();
Implementation sendfile();
Implementation splice();
Implementation copy_file_range();
Implementation io_uring_rw();
Implementation io_uring_splice();
Implementation io_uring_send_zc();
// small_writes group: one op writes `records` small records to a `sink`.
Implementation small_write();
Implementation small_writev();
Implementation small_uring();
}  // namespace io

}  // namespace velo
