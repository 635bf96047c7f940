// The small_writes group: one op writes `records` records of `record_bytes` each
// to a stream `sink` (loopback TCP, a Unix socket pair or a pipe) whose far end, a
// Receiver thread (team member 1), reads and counts every byte. The variants
// differ only in how records reach the kernel: a write per record, a writev of
// iov_count records, or io_uring with iov_count writes per io_uring_enter.
//
// Records come from a window of at most 4096 distinct records and 4 MiB (so memory
// stays small while consecutive records are in different places, as in a real log or
// RPC batch). The same checks as the transfers apply after every run: exact byte
// count at the receiver, nothing extra queued, and with verify_content the hash of
// one more op's bytes, moved the same way in an untimed round after the timed one.
//
// A Writer provides:
//   explicit Writer(const Params&)
//   std::optional<CaseError> open(int fd)
//   Expected<std::int64_t> write_records(int fd, const Records&)   one op
//   std::int64_t syscalls
#pragma once

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "families/io/endpoints.hpp"
#include "families/io/page_buffer.hpp"
#include "families/io/transfer_workload.hpp"
#include "threads/thread_team.hpp"

namespace velo::io {

class Records {
 public:
  Records(std::int64_t count, std::int64_t record_bytes);
  std::int64_t count() const { return count_; }
  std::int64_t record_bytes() const { return record_bytes_; }
  std::int64_t total_bytes() const { return count_ * record_bytes_; }
  const std::byte* at(std::int64_t index) const {
    return memory_.data() + (index % window_) * record_bytes_;
  }
  std::uint64_t content_hash() const;  // of one op's bytes, in order

 private:
  std::int64_t count_;
  std::int64_t record_bytes_;
  std::int64_t window_;
  PageBuffer memory_;  // page-aligned: see page_buffer.hpp
};

std::vector<ParamSpec> small_write_params();
ParamSpec iov_count_param();

template <typename Writer>
class SmallWritesWorkload final : public Workload {
 public:
  static std::variant<std::unique_ptr<Workload>, CaseError> make(const Params& params) {
    const std::string& sink = params.text("sink");
    const StreamKind kind = sink == "unix" ? StreamKind::unix_socket
                            : sink == "pipe" ? StreamKind::pipe
                                             : StreamKind::tcp;
    auto stream = connect_stream(kind);
    if (!stream) return CaseError{stream.error().message};
    auto workload = std::unique_ptr<SmallWritesWorkload>(new SmallWritesWorkload(params, std::move(*stream)));
    if (auto error = workload->writer_.open(workload->stream_.sender.get())) return std::move(*error);
    return workload;
  }

  double run(std::int64_t ops) override {
    return team_.run([&](int member) {
      if (member == 0) {
        send(ops);
      } else {
        receiver_.receive(ops);
      }
    });
  }

  void begin_repetition() override {
    cpu_at_begin_ = cpu_seconds(RUSAGE_SELF);
    moved_ = 0;
    syscalls_at_begin_ = writer_.syscalls;
    received_at_begin_ = receiver_.received();
  }

  Status end_repetition(MetricSink& sink, std::int64_t ops, double seconds) override {
    const double cpu = cpu_seconds(RUSAGE_SELF) - cpu_at_begin_;
    if (!error_.empty()) return make_error(error_);
    if (!receiver_.error().empty()) return make_error(receiver_.error());
    const std::int64_t expected = ops * records_.total_bytes();
    if (moved_ != expected) {
      return make_error(fmt::format("the writer reported {} bytes for {} ops of {} bytes", moved_, ops,
                                    records_.total_bytes()));
    }
    const std::int64_t received = receiver_.received() - received_at_begin_;
    if (received != expected) return make_error(fmt::format("the receiver got {} bytes, expected {}", received, expected));
    int queued = 0;
    if (::ioctl(stream_.receiver.get(), FIONREAD, &queued) == 0 && queued != 0) {
      return make_error(fmt::format("{} bytes more than the {} written arrived at the receiver", queued, expected));
    }
    const std::int64_t syscalls = writer_.syscalls - syscalls_at_begin_;
    add_throughput_metrics(sink, expected, seconds, cpu, syscalls);
    const double records = static_cast<double>(ops * records_.count());
    if (records > 0) {
      sink.add("ns_per_record", seconds * 1e9 / records);
      sink.add("syscalls_per_record", static_cast<double>(syscalls) / records);
    }
    sink.add("bytes_verified", static_cast<double>(records_.total_bytes()));
    return verify_content_untimed();
  }

 private:
  SmallWritesWorkload(const Params& params, StreamPair stream)
      : records_(params.integer("records"), params.integer("record_bytes")),
        stream_(std::move(stream)),
        writer_(params),
        receiver_(stream_.receiver.get(), records_.total_bytes(),
                  params.boolean("verify_content") ? std::optional(records_.content_hash()) : std::nullopt),
        team_(2, [](int) { return std::string("io-receiver"); }) {}

  // verify_content: one op more, untimed, with the receiver hashing what arrives.
  Status verify_content_untimed() {
    if (!receiver_.verifies()) return {};
    team_.run([&](int member) {
      if (member == 0) {
        send(1);
      } else {
        receiver_.receive_verified(1);
      }
    });
    if (!error_.empty()) return make_error(error_);
    if (!receiver_.error().empty()) return make_error(receiver_.error());
    return {};
  }

  void send(std::int64_t ops) {
    for (std::int64_t op = 0; op < ops && error_.empty(); ++op) {
      auto moved = writer_.write_records(stream_.sender.get(), records_);
      if (!moved) {
        error_ = moved.error().message;
        ::shutdown(stream_.sender.get(), SHUT_WR);
        stream_.sender.reset();  // a pipe has no shutdown: closing it ends the receiver's stream
        return;
      }
      moved_ += *moved;
    }
  }

  Records records_;
  StreamPair stream_;
  Writer writer_;
  Receiver receiver_;
  ThreadTeam team_;
  std::string error_;
  std::int64_t moved_ = 0;
  std::int64_t syscalls_at_begin_ = 0;
  std::int64_t received_at_begin_ = 0;
  double cpu_at_begin_ = 0;
};

template <typename Writer>
Implementation small_writes_implementation(std::string name, std::string doc, std::vector<ParamSpec> extra_params = {},
                                           std::function<std::optional<std::string>()> host_unsupported = {}) {
  std::vector<ParamSpec> params = small_write_params();
  params.insert(params.end(), extra_params.begin(), extra_params.end());
  auto make = [host_unsupported](const Params& values) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    if (host_unsupported) {
      if (auto reason = host_unsupported()) return CaseError{*reason, true};
    }
    return SmallWritesWorkload<Writer>::make(values);
  };
  return {.name = std::move(name),
          .doc = std::move(doc),
          .params = std::move(params),
          .host_unsupported = std::move(host_unsupported),
          .make = std::move(make)};
}

}  // namespace velo::io
