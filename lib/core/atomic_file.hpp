// The one place velo writes output files. A file is written to a temporary name
// in the same directory, flushed and renamed over the target, so a reader (or an
// interrupted run) never sees a half-written report. Atomic replacement applies to
// regular files (and missing paths) only: a character device or FIFO (/dev/null,
// /dev/full, a pipe) is written in place and its write errors reported, never
// replaced; a directory or socket is refused. Every write, fsync and close is checked.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace velo {

Status write_file_atomically(const std::string& path, std::string_view contents);
// Whether write_file_atomically(path, ...) can be expected to succeed: the path is
// not empty or a directory, and its directory exists and is writable (a device or
// FIFO is accepted as it is). Commands check their outputs with it before doing
// minutes of work whose result would then be lost.
Status check_writable(const std::string& path);
// Writes to standard output and flushes; an error (a full disk, a closed pipe)
// instead of silently lost output.
Status write_stdout(std::string_view contents);
// A report or folded-stack file: read_input_file with kMaxDataFileBytes.
Expected<std::string> read_text_file(const std::string& path, std::string_view what = "data file");

}  // namespace velo
