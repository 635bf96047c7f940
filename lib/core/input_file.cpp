#include "core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace velo {

namespace {

std::string_view kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string open_failure(int error, std::string_view what) {
  switch (error) {
    case ENOENT: return fmt::format("no such {}", what);
    case EACCES:
    case EPERM: return fmt::format("cannot read the {}: permission denied", what);
    case ELOOP: return fmt::format("cannot read the {}: too many levels of symbolic links (a symlink loop?)", what);
    case ENOTDIR: return fmt::format("no such {}: a part of the path is not a directory", what);
    case ENXIO: return fmt::format("is a socket or a device without a reader, not a {}", what);
    default: return fmt::format("cannot read the {}: {}", what, std::strerror(error));
  }
}

}  // namespace

Expected<std::string> read_input_file(const std::string& path, std::string_view what, std::size_t max_bytes) {
  const SourceLocation where{path};
  if (path.empty()) return make_error(fmt::format("the {} path is empty", what));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return make_error(open_failure(errno, what), where);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  struct stat info {};
  if (::fstat(fd, &info) != 0) return make_error(open_failure(errno, what), where);
  if (!S_ISREG(info.st_mode)) {
    return make_error(fmt::format("is {}, not a {}: velo reads only regular files", kind_of(info.st_mode), what),
                      where);
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_bytes) {
    return make_error(fmt::format("the {} is {} bytes, more than the limit of {} MiB", what, size, max_bytes >> 20),
                      where);
  }
  std::string text;
  text.resize(size);
  std::size_t filled = 0;
  for (;;) {
    if (filled == text.size()) {
      if (text.size() > max_bytes) {
        return make_error(fmt::format("the {} grew beyond the limit of {} MiB while it was read", what,
                                      max_bytes >> 20),
                          where);
      }
      text.resize(text.size() + 4096);  // the file grew, or /proc-like files report size 0
    }
    const ssize_t n = ::read(fd, text.data() + filled, text.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(fmt::format("cannot read the {}: {}", what, std::strerror(errno)), where);
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  text.resize(filled);
  return text;
}

}  // namespace velo
