// Sleeping on a 32-bit word with the Linux futex system call.
//
// Why not std::atomic::wait/notify: libstdc++ 12 skips the wake system call when a
// shared per-bucket waiter count reads zero, and that shortcut is only safe if the
// caller's change of the word is itself sequentially consistent with the count (the
// channel family saw rare lost wake-ups). velo's parking protocols (ThreadTeam, the
// channels) make their own decision about when to wake, so they call the kernel
// directly and need nothing from the library.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>

namespace velo {

// Sleeps while `word` holds `expected` (returns at once if it does not). May return
// spuriously: callers re-check in a loop.
inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

// Wakes up to `count` threads sleeping on `word`. Only the address is used, so it is
// safe to call after the word's owner may have stopped waiting and moved on.
inline void futex_wake(std::atomic<std::uint32_t>* word, int count = INT_MAX) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

}  // namespace velo
