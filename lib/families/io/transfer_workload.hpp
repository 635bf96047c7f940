// The workload every transfer method shares. One op moves the whole source file to
// the destination; on the socket paths a Receiver thread (team member 1) reads and
// counts every byte while the method sends from member 0.
//
// Invariants checked after every run, before any metric is reported:
//   - the method reported moving exactly ops * file_bytes bytes;
//   - socket paths: the receiver read exactly that many and nothing more is queued;
//   - file_to_file: the destination holds file_bytes bytes;
//   - verify_content: after the timed round and outside it, one more op is moved
//     the same way and the receiver hashes its bytes (XXH3), or the destination
//     file is read back and hashed; the hash must be the source content's.
//     The timed round is identical with and without verify_content.
//
// cache=cold drops the source's pages before every op: before the first in
// begin_repetition, and between ops inside run(), where the drop's wall time and
// its CPU time are measured and taken out of the result (the receiver may still
// be draining the previous op's tail meanwhile, so this slightly flatters the
// receiver; the runner's own cpu_ns_per_op still includes the drops).
#pragma once

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "families/io/transfer.hpp"
#include "threads/thread_team.hpp"

namespace velo::io {

inline double cpu_seconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Adds the metrics every data-moving workload reports for `bytes` moved in `seconds`.
inline void add_throughput_metrics(MetricSink& sink, std::int64_t bytes, double seconds, double cpu,
                                   std::int64_t syscalls) {
  if (bytes <= 0) return;  // nothing moved: no rate to speak of
  const double gib = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  if (seconds > 0) sink.add("gb_per_s", static_cast<double>(bytes) / seconds / 1e9);
  sink.add("cpu_s_per_gib", cpu / gib);
  sink.add("syscalls_per_mib", static_cast<double>(syscalls) / (gib * 1024.0));
}

template <typename Method>
class TransferWorkload final : public Workload {
 public:
  static std::variant<std::unique_ptr<Workload>, CaseError> make(const Params& params) {
    auto prepared = prepare_transfer(params);
    if (auto* error = std::get_if<CaseError>(&prepared)) return std::move(*error);
    auto workload = std::unique_ptr<TransferWorkload>(
        new TransferWorkload(params, std::move(std::get<TransferSetup>(prepared))));
    if (auto error = workload->method_.open(workload->setup_.transfer)) return std::move(*error);
    return workload;
  }

  double run(std::int64_t ops) override {
    excluded_seconds_ = 0;
    double seconds = 0;
    if (receiver_) {
      seconds = team_.run([&](int member) {
        if (member == 0) {
          send(ops);
        } else {
          receiver_->receive(ops);
        }
      });
    } else {
      seconds = team_.run([&](int) { send(ops); });
    }
    return std::max(0.0, seconds - excluded_seconds_);
  }

  void begin_repetition() override {
    if (setup_.cold) drop_source_pages();
    cpu_at_begin_ = cpu_seconds(RUSAGE_SELF);
    excluded_cpu_ = 0;
    moved_ = 0;
    syscalls_at_begin_ = syscalls();
    received_at_begin_ = receiver_ ? receiver_->received() : 0;
  }

  Status end_repetition(MetricSink& sink, std::int64_t ops, double seconds) override {
    const double cpu = cpu_seconds(RUSAGE_SELF) - cpu_at_begin_ - excluded_cpu_;
    if (Status checked = check(ops); !checked) return checked;
    const std::int64_t bytes = ops * setup_.transfer.bytes;
    add_throughput_metrics(sink, bytes, seconds, cpu, syscalls() - syscalls_at_begin_);
    sink.add("bytes_verified", static_cast<double>(setup_.transfer.bytes));
    if constexpr (requires { method_.report(sink, ops); }) method_.report(sink, ops);
    if (Status verified = verify_content_untimed(); !verified) return verified;
    if (setup_.cold && ops > 1) {
      sink.note("cache=cold: pages dropped between ops inside run(); drop time excluded from gb_per_s and "
                "cpu_s_per_gib but not from the runner's cpu_ns_per_op");
    }
    return {};
  }

  nlohmann::json details() const override {
    nlohmann::json details = {{"source", setup_.source.path},
                              {"directory", setup_.directory},
                              {"tmpfs", setup_.source.on_tmpfs}};
    if constexpr (requires { method_.describe(details); }) method_.describe(details);
    return details;
  }

 private:
  TransferWorkload(const Params& params, TransferSetup setup)
      : setup_(std::move(setup)),
        method_(params),
        team_(setup_.transfer.dest_is_file() ? 1 : 2, [](int) { return std::string("io-receiver"); }) {
    if (!setup_.transfer.dest_is_file()) {
      receiver_.emplace(setup_.stream.receiver.get(), setup_.transfer.bytes, setup_.expected_hash);
    }
  }

  std::int64_t syscalls() const { return method_.syscalls + own_syscalls_; }

  // Member 0: `ops` whole-file transfers.
  void send(std::int64_t ops) {
    const Transfer& transfer = setup_.transfer;
    for (std::int64_t op = 0; op < ops && error_.empty(); ++op) {
      if (setup_.cold && op > 0) drop_source_pages_timed();
      if (transfer.dest_is_file() && !reset_destination()) return;
      auto moved = method_.move(transfer);
      if (!moved) {
        error_ = moved.error().message;
        // The receiver sees the end of the stream instead of waiting forever.
        if (!transfer.dest_is_file()) ::shutdown(transfer.dest, SHUT_WR);
        return;
      }
      moved_ += *moved;
    }
  }

  // A file destination starts every op empty (or, preallocated, at offset 0 over
  // its existing blocks): part of the measured op, and counted.
  bool reset_destination() {
    ++own_syscalls_;
    if (::lseek(setup_.transfer.dest, 0, SEEK_SET) != 0) {
      error_ = system_error("lseek(destination, 0)");
      return false;
    }
    if (setup_.prealloc) return true;
    ++own_syscalls_;
    if (::ftruncate(setup_.transfer.dest, 0) != 0) {
      error_ = system_error("ftruncate(destination, 0)");
      return false;
    }
    return true;
  }

  void drop_source_pages() {
    if (const int err = ::posix_fadvise(setup_.transfer.source, 0, 0, POSIX_FADV_DONTNEED); err != 0) {
      error_ = system_error("posix_fadvise(DONTNEED) on the source", err);
    }
  }

  void drop_source_pages_timed() {
    using Clock = std::chrono::steady_clock;
    const double cpu_before = cpu_seconds(RUSAGE_THREAD);
    const auto start = Clock::now();
    drop_source_pages();
    excluded_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
    excluded_cpu_ += cpu_seconds(RUSAGE_THREAD) - cpu_before;
  }

  // verify_content on a stream: one op more, in an untimed round, with the
  // receiver hashing what arrives. (A file destination is read back in check().)
  Status verify_content_untimed() {
    if (!receiver_ || !receiver_->verifies()) return {};
    team_.run([&](int member) {
      if (member == 0) {
        send(1);
      } else {
        receiver_->receive_verified(1);
      }
    });
    if (!error_.empty()) return make_error(error_);
    if (!receiver_->error().empty()) return make_error(receiver_->error());
    return {};
  }

  Status check(std::int64_t ops) {
    if (!error_.empty()) return make_error(error_);
    const std::int64_t expected = ops * setup_.transfer.bytes;
    if (receiver_ && !receiver_->error().empty()) return make_error(receiver_->error());
    if (moved_ != expected) {
      return make_error(fmt::format("the method reported moving {} bytes in {} ops of {} bytes", moved_, ops,
                                    setup_.transfer.bytes));
    }
    if (receiver_) {
      const std::int64_t received = receiver_->received() - received_at_begin_;
      if (received != expected) {
        return make_error(fmt::format("the receiver got {} bytes, expected {}", received, expected));
      }
      int queued = 0;
      if (::ioctl(setup_.stream.receiver.get(), FIONREAD, &queued) == 0 && queued != 0) {
        return make_error(fmt::format("{} bytes more than the {} sent arrived at the receiver", queued, expected));
      }
      return {};
    }
    struct stat st {};
    if (::fstat(setup_.transfer.dest, &st) != 0) return make_error(system_error("fstat(destination)"));
    if (st.st_size != setup_.transfer.bytes) {
      return make_error(fmt::format("the destination file holds {} bytes, expected {}", st.st_size,
                                    setup_.transfer.bytes));
    }
    if (setup_.expected_hash) {
      auto hash = hash_file(setup_.transfer.dest, setup_.transfer.bytes);
      if (!hash) return hash.error();
      if (*hash != *setup_.expected_hash) {
        return make_error(fmt::format("the destination file has the wrong content (hash {:016x}, expected {:016x})",
                                      *hash, *setup_.expected_hash));
      }
    }
    return {};
  }

  TransferSetup setup_;
  Method method_;
  std::optional<Receiver> receiver_;
  ThreadTeam team_;
  std::string error_;
  std::int64_t moved_ = 0;
  std::int64_t own_syscalls_ = 0;
  std::int64_t syscalls_at_begin_ = 0;
  std::int64_t received_at_begin_ = 0;
  double cpu_at_begin_ = 0;
  double excluded_cpu_ = 0;
  double excluded_seconds_ = 0;
};

using Unsupported = std::function<std::optional<std::string>(const Params&)>;
using HostUnsupported = std::function<std::optional<std::string>()>;

// An Implementation entry for a transfer method. The factory itself also refuses
// what case_unsupported/host_unsupported refuse, so a direct caller (a test) gets
// the same skip the runner reports.
template <typename Method>
Implementation transfer_implementation(std::string name, std::string doc, std::vector<ParamSpec> extra_params = {},
                                       Unsupported case_unsupported = {}, HostUnsupported host_unsupported = {}) {
  std::vector<ParamSpec> params = transfer_params();
  params.insert(params.end(), extra_params.begin(), extra_params.end());
  auto make = [case_unsupported, host_unsupported](
                  const Params& values) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    if (host_unsupported) {
      if (auto reason = host_unsupported()) return CaseError{*reason, true};
    }
    if (case_unsupported) {
      if (auto reason = case_unsupported(values)) return CaseError{*reason, true};
    }
    return TransferWorkload<Method>::make(values);
  };
  return {.name = std::move(name),
          .doc = std::move(doc),
          .params = std::move(params),
          .host_unsupported = std::move(host_unsupported),
          .case_unsupported = std::move(case_unsupported),
          .make = std::move(make)};
}

}  // namespace velo::io
