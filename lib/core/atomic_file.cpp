#include "core/atomic_file.hpp"

#include "core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace velo {

namespace {

// Writes all of `contents` to `fd`; false with errno set on failure.
bool write_all(int fd, std::string_view contents) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// A character device or a FIFO (--out /dev/null, /dev/stdout, a pipe) is written in
// place: renaming over it would replace the device node with a regular file.
Status write_in_place(const std::string& path, std::string_view contents, bool fifo) {
  // O_NONBLOCK so a FIFO nobody reads fails (ENXIO) instead of hanging; cleared before writing.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | (fifo ? O_NONBLOCK : 0));
  if (fd < 0) {
    if (errno == ENXIO) return make_error("cannot write: no process is reading this FIFO", {path});
    return make_error(fmt::format("cannot open for writing: {}", std::strerror(errno)), {path});
  }
  if (fifo) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (!write_all(fd, contents)) {
    const int saved = errno;
    ::close(fd);
    return make_error(fmt::format("cannot write: {}", std::strerror(saved)), {path});
  }
  if (::close(fd) != 0) return make_error(fmt::format("cannot close: {}", std::strerror(errno)), {path});
  return {};
}

}  // namespace

Status check_writable(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) return make_error("expected a file name, got ''");
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) return {};
    if (S_ISDIR(info.st_mode)) return make_error("is a directory; give a file name", {path});
    if (!S_ISREG(info.st_mode)) return make_error("is neither a regular file nor a character device or FIFO", {path});
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return make_error(fmt::format("cannot write here: directory '{}' does not exist", dir.string()), {path});
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return make_error(fmt::format("cannot write here: directory '{}': {}", dir.string(), std::strerror(errno)),
                      {path});
  }
  return {};
}

Status write_stdout(std::string_view contents) {
  if (!contents.empty() && std::fwrite(contents.data(), 1, contents.size(), stdout) != contents.size()) {
    return make_error(fmt::format("cannot write to standard output: {}", std::strerror(errno)));
  }
  if (std::fflush(stdout) != 0) {
    return make_error(fmt::format("cannot write to standard output: {}", std::strerror(errno)));
  }
  return {};
}

Status write_file_atomically(const std::string& requested, std::string_view contents) {
  namespace fs = std::filesystem;
  std::string path = requested;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) return write_in_place(path, contents, S_ISFIFO(info.st_mode));
    if (S_ISDIR(info.st_mode)) return make_error("is a directory; give a file name", {path});
    if (!S_ISREG(info.st_mode)) return make_error("is neither a regular file nor a character device or FIFO", {path});
    // Through a symbolic link, the file it points to is replaced and the link kept.
    std::error_code error;
    const fs::path resolved = fs::canonical(path, error);
    if (!error) path = resolved.string();
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    return make_error(fmt::format("cannot create a file in '{}': {}", dir.string(),
                                  std::strerror(errno)), {requested});
  }
  auto fail = [&](const char* what) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot {}: {}", what, std::strerror(saved)), {requested});
  };
  if (!write_all(fd, contents)) return fail("write");
  if (::fchmod(fd, 0644) != 0) return fail("set permissions");
  if (::fsync(fd) != 0) return fail("flush to disk");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot close: {}", std::strerror(errno)), {requested});
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot rename into place: {}", std::strerror(saved)), {requested});
  }
  return {};
}

Expected<std::string> read_text_file(const std::string& path, std::string_view what) {
  return read_input_file(path, what, kMaxDataFileBytes);
}

}  // namespace velo
