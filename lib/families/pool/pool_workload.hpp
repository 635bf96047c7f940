// The workload every pool variant shares. A team of `threads` threads splits the
// ops; one op takes an object from the pool, uses it like Go's bytes.Buffer in the
// sync.Pool examples (writes `touch_bytes` of it, 0 = all) and gives one back:
// each thread holds up to `live` objects at once (a working set) and, once it
// holds `live`, releases the oldest (live = 1: take, use, give back). At the end
// of its share it releases what it still holds, so every run gives back exactly
// what it took.
//
// Cross-thread releases: a deterministic `cross_thread` fraction of releases
// (Bresenham-style credit per thread, no randomness) is handed through an SPSC
// mailbox to the next member, which releases it to the pool as its own. A thread
// whose mailbox is full drains its own inbox while it waits, and every thread
// keeps draining after its share until all have finished, so hand-offs cannot
// deadlock. The hand-off costs the same for every variant.
//
// Verification (end_repetition): every holder writes a tag (thread, sequence)
// into the first and the last 8 touched bytes of its object and checks both (and
// the alignment) on release. An object handed to two holders at once is caught,
// and with touch_bytes = all so is any overlap between objects held at once (of
// two overlapping objects, the one written later covers the other's first or last
// tag). Takes, releases and hand-offs must balance exactly.
//
// A Pool provides:
//   explicit Pool(const PoolSetup&)
//   std::byte* take(int member)               object_bytes usable, object_alignment
//   void give(int member, std::byte* object)  member = the releasing thread
//   void between_runs()                       outside timing
//   std::optional<std::int64_t> fresh_allocations() const   takes not served by reuse
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "alloc/counting.hpp"
#include "families/family.hpp"
#include "families/pool/mailbox.hpp"
#include "families/pool/objects.hpp"
#include "threads/thread_team.hpp"

namespace velo::pool {

template <typename Pool>
class PoolWorkload final : public Workload {
 public:
  explicit PoolWorkload(const Params& params)
      : threads_(static_cast<int>(params.integer("threads"))),
        object_bytes_(static_cast<std::size_t>(params.integer("object_bytes"))),
        touch_bytes_(params.integer("touch_bytes") == 0 ? object_bytes_
                                                         : static_cast<std::size_t>(params.integer("touch_bytes"))),
        live_(static_cast<std::size_t>(params.integer("live"))),
        cross_thread_(params.number("cross_thread")),
        requested_allocator_(params.has("allocator") ? params.text("allocator") : std::string()),
        observed_allocator_(alloc::active_allocator()),
        pool_(PoolSetup{.threads = threads_,
                        .object_bytes = object_bytes_,
                        .live = static_cast<std::int64_t>(live_),
                        .params = params}),
        members_(static_cast<std::size_t>(threads_)),
        inboxes_(cross_thread_ > 0 ? static_cast<std::size_t>(threads_) : 0),
        team_(threads_, [](int member) { return fmt::format("pool-{}", member); }) {
    for (auto& member : members_) member.value.held.resize(live_);
  }

  double run(std::int64_t ops) override {
    expected_taken_ += ops;
    finish_target_ += threads_;
    if (cross_thread_ > 0) {
      return team_.run([&](int member) { work<true>(member, share_of(ops, threads_, member)); });
    }
    return team_.run([&](int member) { work<false>(member, share_of(ops, threads_, member)); });
  }

  void begin_repetition() override { pool_.between_runs(); }

  Status end_repetition(MetricSink& sink, std::int64_t, double) override {
    if (!allocator_as_requested()) {
      return make_error(fmt::format(
          "asked for allocator {} but {} serves this process (the allocator is preloaded into the worker "
          "process: it needs process isolation)",
          requested_allocator_, observed_allocator_));
    }
    std::int64_t taken = 0, released = 0, sent = 0, received = 0, bad_tags = 0;
    for (const auto& member : members_) {
      taken += member.value.taken;
      released += member.value.released;
      sent += member.value.sent;
      received += member.value.received;
      bad_tags += member.value.bad_tags;
    }
    if (bad_tags != 0) {
      return make_error(fmt::format(
          "{} objects came back damaged: owner tag overwritten (handed to two holders, or overlapping) or misaligned",
          bad_tags));
    }
    if (taken != expected_taken_ || released != taken) {
      return make_error(fmt::format("{} ops ran but {} objects were taken and {} given back", expected_taken_, taken,
                                    released));
    }
    if (sent != received) {
      return make_error(fmt::format("{} objects handed to another thread but {} arrived", sent, received));
    }
    if (const auto fresh = pool_.fresh_allocations()) {
      const std::int64_t takes = taken - last_taken_;
      if (takes > 0) sink.add("reused_pct", 100.0 * static_cast<double>(takes - (*fresh - last_fresh_)) / takes);
      last_fresh_ = *fresh;
    }
    last_taken_ = taken;
    return {};
  }

  nlohmann::json details() const override {
    return {{"allocator", observed_allocator_},
            {"touch_bytes", touch_bytes_},
            {"object_alignment", object_alignment},
            {"allocation_counting", alloc::counting_active()}};
  }

 private:
  // A sanitizer build's runtime stands in for the default allocator (glibc);
  // new_delete refuses other allocators there (case_unsupported).
  bool allocator_as_requested() const {
    if (requested_allocator_.empty()) return true;
    if (requested_allocator_ == "glibc" && alloc::sanitizer_replaces_malloc()) return true;
    return alloc::allocator_family(observed_allocator_) == requested_allocator_;
  }

  struct Member {
    std::vector<Held> held;  // ring of the `live` newest objects
    std::size_t oldest = 0;
    std::size_t holding = 0;
    double cross_credit = 0;
    std::uint64_t sequence = 0;
    std::int64_t taken = 0;
    std::int64_t released = 0;
    std::int64_t sent = 0;
    std::int64_t received = 0;
    std::int64_t bad_tags = 0;
  };

  template <bool cross>
  void work(int member, std::int64_t ops) {
    Member& me = members_[static_cast<std::size_t>(member)].value;
    const std::uint64_t owner = static_cast<std::uint64_t>(member + 1) << 48;
    for (std::int64_t op = 0; op < ops; ++op) {
      if constexpr (cross) drain_inbox(member, me);
      std::byte* object = pool_.take(member);
      const std::uint64_t tag = owner | ++me.sequence;
      std::memset(object, static_cast<int>(tag & 0xff), touch_bytes_);
      std::memcpy(object, &tag, sizeof tag);
      std::memcpy(object + touch_bytes_ - sizeof tag, &tag, sizeof tag);
      ++me.taken;
      std::size_t slot = me.oldest + me.holding;
      if (slot >= live_) slot -= live_;
      me.held[slot] = {object, tag};
      if (++me.holding == live_) release_oldest<cross>(member, me);
    }
    while (me.holding > 0) release_oldest<cross>(member, me);
    if constexpr (cross) finish_handoffs(member, me);
  }

  template <bool cross>
  void release_oldest(int member, Member& me) {
    const Held held = me.held[me.oldest];
    if (++me.oldest == live_) me.oldest = 0;
    --me.holding;
    if constexpr (cross) {
      me.cross_credit += cross_thread_;
      if (me.cross_credit >= 1.0) {
        me.cross_credit -= 1.0;
        Mailbox& next = inboxes_[static_cast<std::size_t>((member + 1) % threads_)].value;
        while (!next.push(held)) {
          drain_inbox(member, me);
          std::this_thread::yield();
        }
        ++me.sent;
        return;
      }
    }
    release(member, me, held);
  }

  void release(int member, Member& me, const Held& held) {
    std::uint64_t first, last;
    std::memcpy(&first, held.object, sizeof first);
    std::memcpy(&last, held.object + touch_bytes_ - sizeof last, sizeof last);
    me.bad_tags += (first != held.tag) | (last != held.tag) |
                   ((reinterpret_cast<std::uintptr_t>(held.object) & (object_alignment - 1)) != 0);
    pool_.give(member, held.object);
    ++me.released;
  }

  void drain_inbox(int member, Member& me) {
    Mailbox& inbox = inboxes_[static_cast<std::size_t>(member)].value;
    Held held;
    while (inbox.pop(held)) {
      release(member, me, held);
      ++me.received;
    }
  }

  // After its share a member keeps releasing what others send it until every
  // member has finished sending (each counts itself in after its last push).
  void finish_handoffs(int member, Member& me) {
    finished_.fetch_add(1, std::memory_order_release);
    while (finished_.load(std::memory_order_acquire) < finish_target_) {
      drain_inbox(member, me);
      std::this_thread::yield();
    }
    drain_inbox(member, me);
  }

  int threads_;
  std::size_t object_bytes_;
  std::size_t touch_bytes_;
  std::size_t live_;
  double cross_thread_;
  std::string requested_allocator_;
  std::string observed_allocator_;
  Pool pool_;
  std::vector<PerMember<Member>> members_;
  std::vector<PerMember<Mailbox>> inboxes_;
  std::atomic<std::int64_t> finished_{0};
  std::int64_t finish_target_ = 0;
  std::int64_t expected_taken_ = 0;
  std::int64_t last_taken_ = 0;
  std::int64_t last_fresh_ = 0;
  ThreadTeam team_;  // last: stopped before the pool and mailboxes go away
};

// Cross-thread releases need a second thread; one thread cannot hand off.
inline std::optional<std::string> handoff_unsupported(const Params& params) {
  if (params.number("cross_thread") > 0 && params.integer("threads") < 2) {
    return "cross_thread > 0 needs threads >= 2 (no other thread to release to)";
  }
  return std::nullopt;
}

template <typename Pool>
WorkloadFactory factory_for() {
  return [](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    if (auto reason = handoff_unsupported(params)) return CaseError{*reason, true};
    return std::make_unique<PoolWorkload<Pool>>(params);
  };
}

}  // namespace velo::pool
