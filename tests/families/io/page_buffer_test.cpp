// The io family's buffers start on a page boundary whatever the allocator did
// before (page_buffer.hpp says why that matters), and start zeroed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "families/io/page_buffer.hpp"

using velo::io::PageBuffer;

TEST_CASE("page buffer: page-aligned and zeroed, before and after the allocator's threshold moves", "[io]") {
  auto check = [](std::size_t bytes) {
    PageBuffer buffer(bytes);
    CHECK(reinterpret_cast<std::uintptr_t>(buffer.data()) % PageBuffer::kAlignment == 0);
    CHECK(buffer.size() == bytes);
    bool zero = true;
    for (std::size_t i = 0; i < bytes; ++i) zero = zero && buffer.data()[i] == std::byte{0};
    CHECK(zero);
  };
  check(256 * 1024);
  {
    // glibc raises its mmap threshold when a large mmap'd block is freed: the
    // history that used to move std::vector buffers from mmap to the heap.
    std::vector<std::byte> large(1 << 20);
    large[0] = std::byte{1};
  }
  check(256 * 1024);
  check(64);
  check(0);
}
