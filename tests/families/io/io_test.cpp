// Every I/O method, on every path it supports, moves exactly the source content:
// the workload's own checks (byte counts, receiver or read-back hashes with
// verify_content) must pass for awkward sizes, and a method that cannot run here
// must be skipped with a reason rather than fail.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "families/io/io.hpp"
#include "families/io/ring.hpp"
#include "families/io/source_file.hpp"

namespace {

struct RecordingSink final : velo::MetricSink {
  std::map<std::string, double, std::less<>> values;
  std::vector<std::string> notes;
  void add(std::string_view metric, double value) override { values[std::string(metric)] = value; }
  void note(std::string_view text) override { notes.emplace_back(text); }
};

velo::Params defaults(const velo::Family& family, const velo::Implementation& impl) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& spec : impl.params) params.set(spec.name, spec.default_value);
  return params;
}

using Made = std::variant<std::unique_ptr<velo::Workload>, velo::CaseError>;

// Runs one repetition of `ops` ops the way the runner does; returns the failure, if any.
std::string run_repetition(velo::Workload& workload, std::int64_t ops, RecordingSink& sink) {
  workload.begin_repetition();
  const double seconds = workload.run(ops);
  const velo::Status status = workload.end_repetition(sink, ops, seconds);
  return status ? std::string() : status.error().message;
}

const std::vector<std::string> kTransferMethods = {"read_write",  "mmap_write",      "sendfile",
                                                   "splice",      "copy_file_range", "io_uring_rw",
                                                   "io_uring_splice", "io_uring_send_zc"};
const std::vector<std::string> kPaths = {"file_to_tcp", "file_to_unix", "file_to_file"};

bool uses_io_uring(const std::string& method) { return method.rfind("io_uring", 0) == 0 || method == "small_uring"; }

}  // namespace

TEST_CASE("every transfer method moves exactly the source content on every path it supports", "[io]") {
  const velo::Family family = velo::make_io_family();
  constexpr std::int64_t chunk = 4096;
  const std::vector<std::int64_t> sizes = {0, 1, 4095, 4096, 4097, chunk - 1, chunk + 1, 3 * 1024 * 1024 + 17};
  for (const auto& method : kTransferMethods) {
    const velo::Implementation* impl = family.find_impl(method);
    REQUIRE(impl);
    for (const auto& path : kPaths) {
      for (const std::int64_t bytes : sizes) {
        for (const bool prealloc : {false, true}) {
          if (prealloc && path != "file_to_file") continue;
          DYNAMIC_SECTION(method << " " << path << " bytes=" << bytes << " prealloc=" << prealloc) {
            velo::Params params = defaults(family, *impl);
            params.set("path", path);
            params.set("file_bytes", bytes);
            params.set("chunk_bytes", chunk);
            params.set("prealloc", prealloc);
            params.set("verify_content", true);
            if (impl->params.size() > 7) params.set("queue_depth", std::int64_t{3});
            Made made = impl->make(params);
            if (auto* error = std::get_if<velo::CaseError>(&made)) {
              // Only "not applicable here" is acceptable, and it must say why.
              INFO(error->reason);
              REQUIRE(error->skip);
              REQUIRE(!error->reason.empty());
              const bool path_mismatch = (method == "copy_file_range" && path != "file_to_file") ||
                                         (method == "io_uring_send_zc" && path != "file_to_tcp");
              if (!path_mismatch) {
                REQUIRE(uses_io_uring(method));
                WARN("skipped: " << error->reason);
              }
              continue;
            }
            auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
            RecordingSink sink;
            // Several repetitions of several ops: state carries over correctly.
            for (const std::int64_t ops : {1, 3}) {
              const std::string failure = run_repetition(workload, ops, sink);
              INFO(failure);
              REQUIRE(failure.empty());
              CHECK(sink.values.at("bytes_verified") == static_cast<double>(bytes));
              if (bytes > 0) {
                CHECK(sink.values.at("gb_per_s") > 0);
                CHECK(sink.values.at("syscalls_per_mib") > 0);
                CHECK(sink.values.count("cpu_s_per_gib") == 1);
              } else {
                CHECK(sink.values.count("gb_per_s") == 0);  // nothing moved: no made-up rate
              }
            }
          }
        }
      }
    }
  }
}
