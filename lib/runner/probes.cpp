#include "runner/probes.hpp"

#include "core/metric.hpp"

namespace velo {

namespace {
double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }
}  // namespace

void RunProbes::begin() { getrusage(RUSAGE_SELF, &before_); }

void RunProbes::end(std::int64_t ops, const std::function<void(std::string_view, double)>& emit) {
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const double n = static_cast<double>(ops);
  const double cpu = seconds(after.ru_utime) - seconds(before_.ru_utime) + seconds(after.ru_stime) -
                     seconds(before_.ru_stime);
  emit(metrics::cpu_ns_per_op, cpu * 1e9 / n);
  emit(metrics::voluntary_switches_per_kop, static_cast<double>(after.ru_nvcsw - before_.ru_nvcsw) * 1000.0 / n);
  emit(metrics::involuntary_switches_per_kop,
       static_cast<double>(after.ru_nivcsw - before_.ru_nivcsw) * 1000.0 / n);
}

}  // namespace velo
