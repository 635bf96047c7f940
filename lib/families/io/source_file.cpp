#include "families/io/source_file.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <fmt/format.h>

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t by value
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace velo::io {

struct ContentHash::State {
  XXH3_state_t xxh3;
};

ContentHash::ContentHash() : state_(std::make_unique<State>()) { XXH3_64bits_reset(&state_->xxh3); }
ContentHash::~ContentHash() = default;

void ContentHash::update(const void* data, std::size_t size) { XXH3_64bits_update(&state_->xxh3, data, size); }

std::uint64_t ContentHash::value() const { return XXH3_64bits_digest(&state_->xxh3); }

namespace {

constexpr std::uint64_t kSeed = 0x5eed;
constexpr std::int64_t kBlockBytes = 1 << 20;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Status write_all(int fd, const std::byte* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(system_error("writing the source file"));
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

Status create_source_file(const std::string& path, std::int64_t bytes) {
  std::string temp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkstemp(temp.data()));
  if (!fd) return make_error(system_error("creating " + temp));
  std::vector<std::byte> block(kBlockBytes);
  for (std::int64_t offset = 0; offset < bytes; offset += kBlockBytes) {
    const auto size = static_cast<std::size_t>(std::min(kBlockBytes, bytes - offset));
    fill_source_content(offset, std::span(block.data(), size));
    if (Status written = write_all(fd.get(), block.data(), size); !written) {
      ::unlink(temp.c_str());
      return written;
    }
  }
  // Synced before it is visible: cache=cold must be able to drop every page, and
  // fadvise(DONTNEED) leaves dirty pages in place.
  if (::fsync(fd.get()) != 0 || ::fchmod(fd.get(), 0644) != 0 ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return make_error(system_error("publishing " + path, err));
  }
  return {};
}

}  // namespace

std::string data_directory(const std::string& dir) {
  if (dir == "cwd") return ".";
  if (dir != "tmpdir") return dir;
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

std::optional<std::string> unusable_directory(const std::string& dir) {
  const std::string path = data_directory(dir);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fmt::format("dir = \"{}\": {}", dir, std::strerror(errno));
  if (!S_ISDIR(info.st_mode)) return fmt::format("dir = \"{}\" is not a directory", dir);
  if (::access(path.c_str(), W_OK | X_OK) != 0) return fmt::format("dir = \"{}\" is not writable", dir);
  return std::nullopt;
}

void fill_source_content(std::int64_t offset, std::span<std::byte> out) {
  std::uint64_t index = static_cast<std::uint64_t>(offset) / 8;
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t word = splitmix64(kSeed ^ (index++ * 0x2545f4914f6cdd1dULL));
    const std::size_t n = std::min<std::size_t>(8, out.size() - done);
    std::memcpy(out.data() + done, &word, n);
    done += n;
  }
}

std::uint64_t source_content_hash(std::int64_t bytes) {
  ContentHash hash;
  std::vector<std::byte> block(static_cast<std::size_t>(std::min(kBlockBytes, std::max<std::int64_t>(bytes, 1))));
  for (std::int64_t offset = 0; offset < bytes; offset += kBlockBytes) {
    const auto size = static_cast<std::size_t>(std::min(kBlockBytes, bytes - offset));
    fill_source_content(offset, std::span(block.data(), size));
    hash.update(block.data(), size);
  }
  return hash.value();
}

Expected<SourceFile> open_source_file(const std::string& directory, std::int64_t bytes) {
  SourceFile source;
  source.path = fmt::format("{}/velo-io-src-{}-{:x}.bin", directory, bytes, kSeed);
  source.on_tmpfs = is_tmpfs(directory);
  for (int attempt = 0; attempt < 2; ++attempt) {
    source.fd.reset(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (source.fd && ::fstat(source.fd.get(), &st) == 0 && st.st_size == bytes) return source;
    source.fd.reset();
    if (attempt == 0) {
      if (Status created = create_source_file(source.path, bytes); !created) return created.error();
    }
  }
  return make_error(fmt::format("{} does not have the expected {} bytes after creating it", source.path, bytes));
}

Expected<std::uint64_t> hash_file(int fd, std::int64_t bytes) {
  ContentHash hash;
  std::vector<std::byte> block(kBlockBytes);
  std::int64_t offset = 0;
  while (offset < bytes) {
    const auto want = static_cast<std::size_t>(std::min(kBlockBytes, bytes - offset));
    const ssize_t n = ::pread(fd, block.data(), want, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(system_error("reading back the destination"));
    if (n == 0) return make_error(fmt::format("destination ends at {} of {} bytes", offset, bytes));
    hash.update(block.data(), static_cast<std::size_t>(n));
    offset += n;
  }
  return hash.value();
}

bool is_tmpfs(const std::string& directory) {
  struct statfs fs {};
  return ::statfs(directory.c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC;
}

}  // namespace velo::io
