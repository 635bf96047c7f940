// go_proc.hpp: every live thread owns its own record, records are reused after
// their thread exits (so their number stays bounded), and a woken thread's wait
// for its waker ends when the waker parks, or when the steal delay has passed.
// go_channel.hpp's lock-free "nothing to receive" answer never hides a value or
// reports a channel drained while values are buffered.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "families/channel/go_channel.hpp"
#include "families/channel/go_proc.hpp"

namespace {

using velo::channel::ChanStatus;
using velo::channel::GoChannel;
using velo::channel::GoProc;
using velo::channel::this_go_proc;

}  // namespace

TEST_CASE("go proc: live threads own distinct records", "[channel][go_proc]") {
  constexpr int kThreads = 4;
  std::vector<const GoProc*> seen(kThreads, nullptr);
  std::atomic<int> arrived{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      seen[static_cast<std::size_t>(i)] = &this_go_proc();
      ++arrived;
      while (arrived.load() < kThreads) std::this_thread::yield();  // all alive at once
    });
  }
  for (auto& t : threads) t.join();
  const std::set<const GoProc*> distinct(seen.begin(), seen.end());
  CHECK(distinct.size() == kThreads);
  CHECK(distinct.count(&this_go_proc()) == 0);  // nor the test thread's
}

TEST_CASE("go proc: a record is reused once its thread has exited", "[channel][go_proc]") {
  const GoProc* first = nullptr;
  std::thread([&] { first = &this_go_proc(); }).join();
  // The exited thread's record is free again; the next thread to ask finds a free one
  // (possibly another freed earlier), so threads that come and go do not grow the list.
  std::set<const GoProc*> used;
  for (int i = 0; i < 50; ++i) {
    std::thread([&] {
      const GoProc& mine = this_go_proc();
      used.insert(&mine);
      CHECK(mine.parked.load() == 0);  // a reused record starts unparked
    }).join();
  }
  CHECK(used.size() <= 3);
  CHECK(first != nullptr);
}

TEST_CASE("go proc: the wait for a waker ends when the waker parks", "[channel][go_proc]") {
  GoProc waker;
  std::atomic<bool> done{false};
  // A delay far beyond the test's patience: only the waker's park can end the wait.
  std::thread woken([&] {
    velo::channel::defer_to_waker(waker, std::chrono::hours(1));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(done.load());
  waker.parked.store(1);
  woken.join();
  CHECK(done.load());
}

TEST_CASE("go proc: the wait for a running waker ends after the steal delay", "[channel][go_proc]") {
  GoProc waker;  // never parks
  velo::channel::defer_to_waker(waker, std::chrono::milliseconds(2));
  SUCCEED("returned");
  CHECK(velo::channel::steal_delay() > std::chrono::nanoseconds(0));
}

TEST_CASE("go_chan: try_recv without the lock still sees a parked unbuffered sender", "[channel][go_chan]") {
  GoChannel<std::uint64_t> channel(0);
  std::atomic<bool> sent_ok{false};
  std::thread sender([&] { sent_ok = channel.send(7) == ChanStatus::ok; });
  std::uint64_t v = 0;
  ChanStatus status = ChanStatus::empty;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((status = channel.try_recv(v)) == ChanStatus::empty && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  sender.join();
  CHECK(status == ChanStatus::ok);
  CHECK(v == 7);
  CHECK(sent_ok.load());
  CHECK(channel.try_recv(v) == ChanStatus::empty);
}

TEST_CASE("go_chan: a closed channel drains through try_recv before it reports closed", "[channel][go_chan]") {
  // Closed while values are buffered, read by another thread that only polls.
  for (int round = 0; round < 200; ++round) {
    GoChannel<std::uint64_t> channel(4);
    std::vector<std::uint64_t> got;
    ChanStatus last = ChanStatus::empty;
    std::thread reader([&] {
      std::uint64_t v = 0;
      while ((last = channel.try_recv(v)) != ChanStatus::closed) {
        if (last == ChanStatus::ok) got.push_back(v);
      }
    });
    for (std::uint64_t i = 0; i < 4; ++i) REQUIRE(channel.send(i) == ChanStatus::ok);
    REQUIRE(channel.close());
    reader.join();
    REQUIRE(got == std::vector<std::uint64_t>{0, 1, 2, 3});
  }
}
