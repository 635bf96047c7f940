// Hardware counters for the threads of a ThreadTeam, through perf_event_open(2).
//
// One counter group per team thread (pid = the thread's kernel tid, cpu = -1): the
// events of a group are scheduled onto the PMU together, so their ratios are
// consistent. User space only (exclude_kernel), which perf_event_paranoid <= 2
// allows without privileges. The groups are enabled only around the measured
// round (start()/stop() bracket ThreadTeam::run, outside its timing) and read
// afterwards; the arithmetic lives in counts.hpp.
//
// Where the kernel refuses (no PMU in a VM, paranoid level, seccomp), nothing is
// opened, start()/stop() cost nothing, and unavailable_reason() says why.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hwcounters/counts.hpp"

namespace velo {
class ThreadTeam;
}

namespace velo::hw {

// The kernel thread id of every team member, indexed by member (0 = the caller).
std::vector<pid_t> team_thread_ids(ThreadTeam& team);

// kernel.perf_event_paranoid, if readable.
std::optional<int> perf_event_paranoid();

class TeamCounters {
 public:
  explicit TeamCounters(const std::vector<pid_t>& thread_ids);
  ~TeamCounters();
  TeamCounters(const TeamCounters&) = delete;
  TeamCounters& operator=(const TeamCounters&) = delete;

  bool available() const { return reason_.empty(); }
  // Why nothing is counted ("" when available()).
  const std::string& unavailable_reason() const { return reason_; }
  // The events this CPU counts (in every group).
  const std::vector<Event>& events() const { return events_; }

  // Member 0 is whichever thread calls ThreadTeam::run; if that is not the thread
  // its group was opened for, reopens the group for the calling thread.
  void follow_calling_thread();

  void start();  // snapshot every group, then enable it
  void stop();   // disable every group
  // Counts between the last start() and stop(), summed over threads.
  Totals read();

 private:
  struct Group {
    pid_t thread_id = 0;
    std::vector<int> fds;  // fds[0] leads; one per entry of events_
    std::vector<std::uint64_t> before;  // read(2) buffers, sized once
    std::vector<std::uint64_t> after;
  };
  // Opens `events_` for group.thread_id; returns 0 or the failing errno. With
  // `discover`, first finds which events this CPU supports and fills events_.
  int open_group(Group& group, bool discover);
  void close_all();
  void give_up(int error_number);

  std::vector<Event> events_;
  std::vector<Group> groups_;
  std::string reason_;
};

}  // namespace velo::hw
