#include "runner/probes.hpp"

#include "core/metric.hpp"

namespace velo {

namespace {
double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }
}  // namespace

void RunProbes::begin() {
  overlap_ = {};
  // Room for any sensible team, so observing a round inside the allocation
  // bracket allocates nothing.
  spans_.reserve(kReservedMembers);
  pinned_cpus_.reserve(kReservedMembers);
  counting_ = alloc::counting_active();
  allocated_ = {};
  getrusage(RUSAGE_SELF, &before_);
}

void RunProbes::before_run() {
  observing_.emplace(static_cast<RoundObserver*>(this));
  if (counting_) run_start_ = alloc::totals();
}

void RunProbes::on_round(const ThreadTeam& team) {
  spans_.clear();
  for (const MemberSpan& member : team.last_round()) spans_.push_back({member.start_ns, member.end_ns});
  overlap_.add(spans_);
  if (!team.pinned_cpus().empty()) pinned_cpus_.assign(team.pinned_cpus().begin(), team.pinned_cpus().end());
}

void RunProbes::after_run() {
  observing_.reset();
  if (!counting_) return;
  const alloc::Counts run = alloc::totals() - run_start_;
  allocated_.allocations += run.allocations;
  allocated_.bytes += run.bytes;
  allocated_.frees += run.frees;
}

void RunProbes::end(std::int64_t ops, const std::function<void(std::string_view, double)>& emit,
                    const std::function<void(std::string_view)>& note) {
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const double n = static_cast<double>(ops);
  const double cpu = seconds(after.ru_utime) - seconds(before_.ru_utime) + seconds(after.ru_stime) -
                     seconds(before_.ru_stime);
  emit(metrics::cpu_ns_per_op, cpu * 1e9 / n);
  emit(metrics::voluntary_switches_per_kop, static_cast<double>(after.ru_nvcsw - before_.ru_nvcsw) * 1000.0 / n);
  emit(metrics::involuntary_switches_per_kop,
       static_cast<double>(after.ru_nivcsw - before_.ru_nivcsw) * 1000.0 / n);
  if (const auto overlap = overlap_.percent()) emit(metrics::overlap_pct, *overlap);
  if (counting_) {
    emit(metrics::allocs_per_op, static_cast<double>(allocated_.allocations) / n);
    emit(metrics::bytes_per_op, static_cast<double>(allocated_.bytes) / n);
  } else {
    note(alloc::sanitizer_replaces_malloc()
             ? "allocation counting off: the sanitizer runtime replaces malloc, so allocs_per_op and bytes_per_op are absent"
             : "allocation counting off (VELO_ALLOC_COUNTING=0 or the interposer is not linked): allocs_per_op and "
               "bytes_per_op are absent");
  }
}

}  // namespace velo
