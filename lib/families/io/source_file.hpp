// The source file every transfer reads, and the content checks that prove a
// destination received exactly it.
//
// The file is `velo-io-src-<bytes>-<seed>.bin` in the data directory ($TMPDIR or
// /tmp by default). Its content is a fixed pseudo-random stream (splitmix64 of the
// word index), so it is reproducible and its hash is known without reading it. It
// is written to a temporary name, synced and renamed into place, so a concurrent
// or interrupted creator never leaves a half-written file under the real name; it
// is reused by every later case and run asking for the same size, and never
// removed by velo (it is a cache: `rm $TMPDIR/velo-io-src-*` reclaims the space).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.hpp"
#include "families/io/fd.hpp"

namespace velo::io {

// The directory a `dir` parameter names: "tmpdir" ($TMPDIR, else /tmp), "cwd", or
// any other value taken as a path.
std::string data_directory(const std::string& dir);

// Why `dir` cannot be used (not a directory, not writable), or nullopt.
std::optional<std::string> unusable_directory(const std::string& dir);

// Incremental XXH3-64 (xxHash, Collet): the same value however the bytes are split
// into pieces, so a receiver can hash a stream as it arrives, at tens of GB/s
// rather than the ~1 GB/s of a byte-at-a-time hash. Verification runs outside
// the timed round anyway (transfer_workload.hpp); a fast hash keeps it short.
class ContentHash {
 public:
  ContentHash();
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  void update(const void* data, std::size_t size);
  std::uint64_t value() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Bytes [offset, offset + out.size()) of the source content; offset is a multiple of 8.
void fill_source_content(std::int64_t offset, std::span<std::byte> out);

// The hash of the first `bytes` bytes of the source content, computed from the generator.
std::uint64_t source_content_hash(std::int64_t bytes);

struct SourceFile {
  std::string path;
  UniqueFd fd;  // O_RDONLY
  bool on_tmpfs = false;
};

// Opens (creating it if needed) the source file of `bytes` bytes in `directory`.
Expected<SourceFile> open_source_file(const std::string& directory, std::int64_t bytes);

// The hash of the first `bytes` bytes of an open file (pread, so the offset is untouched).
Expected<std::uint64_t> hash_file(int fd, std::int64_t bytes);

// True if `directory` is on tmpfs, where a file's pages are the file and cannot be dropped.
bool is_tmpfs(const std::string& directory);

}  // namespace velo::io
