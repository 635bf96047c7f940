// A byte buffer that starts on a page boundary, zero-filled (so its pages are
// faulted in at set-up, not in a timed round).
//
// Why not std::vector<std::byte>: where malloc puts a buffer depends on the
// process's history. glibc serves a 256 KiB request with a fresh mmap, whose data
// starts 16 bytes into a page, until some earlier free() of a larger mmap'd block
// raises its mmap threshold; then the same request comes from the heap, at another
// offset. On velo's test VM (AMD EPYC, KVM) read() into the page-offset-16 buffer
// moved 1.1-1.4 GB/s and into the heap one 3.5-4.6 GB/s (io, file_to_unix, 256 KiB
// chunks): the kernel's copy to user space is sensitive to the destination's
// alignment. Hashing the source at set-up (verify_content) freed a 1 MiB block and
// so flipped every case it touched. A page-aligned buffer measures the same
// whatever ran before.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

namespace velo::io {

class PageBuffer {
 public:
  static constexpr std::size_t kAlignment = 4096;

  explicit PageBuffer(std::size_t bytes)
      : size_(bytes), data_(static_cast<std::byte*>(::operator new(bytes == 0 ? 1 : bytes, std::align_val_t{kAlignment}))) {
    std::memset(data_.get(), 0, size_);
  }

  std::byte* data() { return data_.get(); }
  const std::byte* data() const { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(std::byte* p) const { ::operator delete(p, std::align_val_t{kAlignment}); }
  };
  std::size_t size_;
  std::unique_ptr<std::byte, Free> data_;
};

}  // namespace velo::io
