#include "hwcounters/perf_group.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "threads/thread_team.hpp"

namespace velo::hw {

namespace {

perf_event_attr attributes_for(Event event) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  switch (event) {
    case Event::cycles:
      attr.type = PERF_TYPE_HARDWARE;
      attr.config = PERF_COUNT_HW_CPU_CYCLES;
      break;
    case Event::instructions:
      attr.type = PERF_TYPE_HARDWARE;
      attr.config = PERF_COUNT_HW_INSTRUCTIONS;
      break;
    case Event::l1d_read_misses:
      attr.type = PERF_TYPE_HW_CACHE;
      attr.config = PERF_COUNT_HW_CACHE_L1D | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
                    (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
      break;
    case Event::llc_misses:
      // The generic event the kernel maps to last-level cache misses.
      attr.type = PERF_TYPE_HARDWARE;
      attr.config = PERF_COUNT_HW_CACHE_MISSES;
      break;
  }
  attr.read_format =
      PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return attr;
}

int perf_event_open(perf_event_attr& attr, pid_t thread_id, int group_fd) {
  attr.disabled = group_fd == -1 ? 1 : 0;  // members follow their leader
  return static_cast<int>(
      syscall(SYS_perf_event_open, &attr, thread_id, -1, group_fd, PERF_FLAG_FD_CLOEXEC));
}

bool read_group(int leader, std::vector<std::uint64_t>& buffer) {
  const auto bytes = static_cast<ssize_t>(buffer.size() * sizeof(std::uint64_t));
  return ::read(leader, buffer.data(), static_cast<std::size_t>(bytes)) == bytes;
}

}  // namespace

std::vector<pid_t> team_thread_ids(ThreadTeam& team) {
  std::vector<pid_t> ids(static_cast<std::size_t>(team.size()));
  team.run([&](int member) { ids[static_cast<std::size_t>(member)] = gettid(); });
  return ids;
}

std::optional<int> perf_event_paranoid() {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  int level = 0;
  if (in >> level) return level;
  return std::nullopt;
}

TeamCounters::TeamCounters(const std::vector<pid_t>& thread_ids) {
  for (pid_t id : thread_ids) groups_.push_back({.thread_id = id});
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    if (int error = open_group(groups_[i], i == 0); error != 0) {
      give_up(error);
      return;
    }
  }
}

TeamCounters::~TeamCounters() { close_all(); }

int TeamCounters::open_group(Group& group, bool discover) {
  int first_error = 0;
  if (discover) {
    // The leader is the first event this CPU supports; unsupported members are
    // left out (reported absent), as long as at least one event opens.
    for (Event event : kEvents) {
      perf_event_attr attr = attributes_for(event);
      const int fd = perf_event_open(attr, group.thread_id, group.fds.empty() ? -1 : group.fds[0]);
      if (fd < 0) {
        if (first_error == 0) first_error = errno;
        continue;
      }
      group.fds.push_back(fd);
      events_.push_back(event);
    }
    if (events_.empty()) return first_error;
  } else {
    for (Event event : events_) {
      perf_event_attr attr = attributes_for(event);
      const int fd = perf_event_open(attr, group.thread_id, group.fds.empty() ? -1 : group.fds[0]);
      if (fd < 0) return errno;
      group.fds.push_back(fd);
    }
  }
  group.before.assign(3 + events_.size(), 0);
  group.after.assign(3 + events_.size(), 0);
  return 0;
}

void TeamCounters::close_all() {
  for (auto& group : groups_) {
    for (int fd : group.fds) ::close(fd);
    group.fds.clear();
  }
}

void TeamCounters::give_up(int error_number) {
  close_all();
  groups_.clear();
  events_.clear();
  reason_ = hw::unavailable_reason(error_number, perf_event_paranoid());
}

void TeamCounters::follow_calling_thread() {
  if (!available()) return;
  Group& caller = groups_[0];
  const pid_t me = gettid();
  if (caller.thread_id == me) return;
  for (int fd : caller.fds) ::close(fd);
  caller = Group{.thread_id = me};
  if (int error = open_group(caller, false); error != 0) give_up(error);
}

void TeamCounters::start() {
  for (auto& group : groups_) {
    read_group(group.fds[0], group.before);
    ioctl(group.fds[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
  }
}

void TeamCounters::stop() {
  for (auto& group : groups_) ioctl(group.fds[0], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

Totals TeamCounters::read() {
  Totals totals;
  for (auto& group : groups_) {
    const bool ok = read_group(group.fds[0], group.after);
    const auto before = parse_group_read(group.before);
    const auto after = parse_group_read(group.after);
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (!ok || !before || !after || before->size() != events_.size() ||
          after->size() != events_.size()) {
        totals.add(events_[i], std::nullopt);
        continue;
      }
      totals.add(events_[i], scaled(delta((*before)[i], (*after)[i])));
    }
  }
  return totals;
}

}  // namespace velo::hw
