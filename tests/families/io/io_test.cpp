// Every I/O method, on every path it supports, moves exactly the source content:
// the workload's own checks (byte counts, receiver or read-back hashes with
// verify_content) must pass for awkward sizes, and a method that cannot run here
// must be skipped with a reason rather than fail.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "families/io/io.hpp"
#include "families/io/ring.hpp"
#include "families/io/endpoints.hpp"
#include "families/io/source_file.hpp"

namespace {

// Every test file and source file lives in a private directory, removed at exit.
struct PrivateTmpdir {
  std::string path;
  PrivateTmpdir() {
    const char* base = std::getenv("TMPDIR");
    path = std::string(base && *base ? base : "/tmp") + "/velo-io-test-XXXXXX";
    if (!::mkdtemp(path.data())) std::abort();
    ::setenv("TMPDIR", path.c_str(), 1);
  }
  ~PrivateTmpdir() { std::filesystem::remove_all(path); }
};
const PrivateTmpdir private_tmpdir;

// Records metrics, and checks each is one the family declares.
struct RecordingSink final : velo::MetricSink {
  std::map<std::string, double, std::less<>> values;
  std::vector<std::string> notes;
  void add(std::string_view metric, double value) override {
    static const velo::Family family = velo::make_io_family();
    INFO(metric);
    CHECK(family.find_metric(metric) != nullptr);
    values[std::string(metric)] = value;
  }
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
  const std::vector<std::int64_t> sizes = {0, 1, 4095, 4096, 4097, chunk - 1, chunk + 1, 2 * 1024 * 1024 + 17};
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
            for (const std::int64_t ops : {1, 2}) {
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

TEST_CASE("small_writes variants deliver every record, in order, to every sink", "[io]") {
  const velo::Family family = velo::make_io_family();
  for (const std::string method : {"small_write", "small_writev", "small_uring"}) {
    const velo::Implementation* impl = family.find_impl(method);
    REQUIRE(impl);
    for (const std::string sink : {"tcp", "unix", "pipe"}) {
      for (const auto& [records, record_bytes, iov_count] :
           std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>>{
               {0, 64, 16}, {1, 1, 16}, {17, 64, 16}, {1000, 64, 7}, {100, 4097, 64}, {20, 65536, 3}}) {
        DYNAMIC_SECTION(method << " sink=" << sink << " records=" << records << " record_bytes=" << record_bytes
                               << " iov_count=" << iov_count) {
          velo::Params params = defaults(family, *impl);
          params.set("sink", sink);
          params.set("records", records);
          params.set("record_bytes", record_bytes);
          params.set("verify_content", true);
          if (params.has("iov_count")) params.set("iov_count", iov_count);
          Made made = impl->make(params);
          if (auto* error = std::get_if<velo::CaseError>(&made)) {
            INFO(error->reason);
            REQUIRE(error->skip);
            REQUIRE(method == "small_uring");
            WARN("skipped: " << error->reason);
            continue;
          }
          auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
          RecordingSink metrics;
          for (const std::int64_t ops : {1, 2}) {
            const std::string failure = run_repetition(workload, ops, metrics);
            INFO(failure);
            REQUIRE(failure.empty());
            CHECK(metrics.values.at("bytes_verified") == static_cast<double>(records * record_bytes));
            if (records > 0) {
              const double per_record = metrics.values.at("syscalls_per_record");
              if (method == "small_write") CHECK(per_record >= 1.0);
              if (method != "small_write") CHECK(per_record < 1.0 + 1e-9);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("the receiver fails a stream with the wrong content or too few bytes", "[io]") {
  SECTION("wrong content") {
    auto pair = velo::io::connect_stream(velo::io::StreamKind::pipe);
    REQUIRE(pair);
    velo::io::Receiver receiver(pair->receiver.get(), 4, velo::io::source_content_hash(4));
    REQUIRE(::write(pair->sender.get(), "abcd", 4) == 4);
    receiver.receive_verified(1);
    CHECK(receiver.received() == 4);
    CHECK(receiver.error().find("wrong content") != std::string::npos);
  }
  SECTION("one corrupted byte in a large op") {
    constexpr std::int64_t bytes = 300'001;
    std::vector<std::byte> content(bytes);
    velo::io::fill_source_content(0, content);
    content[bytes / 2] ^= std::byte{1};
    auto pair = velo::io::connect_stream(velo::io::StreamKind::unix_socket);
    REQUIRE(pair);
    velo::io::Receiver receiver(pair->receiver.get(), bytes, velo::io::source_content_hash(bytes));
    std::thread sender([&] {
      std::int64_t sent = 0;
      while (sent < bytes) {
        const ssize_t n = ::write(pair->sender.get(), content.data() + sent, static_cast<std::size_t>(bytes - sent));
        if (n <= 0) break;
        sent += n;
      }
    });
    receiver.receive_verified(1);
    sender.join();
    CHECK(receiver.received() == bytes);
    CHECK(receiver.error().find("wrong content") != std::string::npos);
  }
  SECTION("the stream ends early") {
    auto pair = velo::io::connect_stream(velo::io::StreamKind::unix_socket);
    REQUIRE(pair);
    velo::io::Receiver receiver(pair->receiver.get(), 10, std::nullopt);
    REQUIRE(::write(pair->sender.get(), "abc", 3) == 3);
    pair->sender.reset();
    receiver.receive(1);
    CHECK(receiver.received() == 3);
    CHECK(receiver.error().find("7 bytes short") != std::string::npos);
  }
}

TEST_CASE("the timed receive only reads and counts: content is checked in an untimed round", "[io]") {
  // Wrong content through receive() is not noticed: the timed path does no hashing.
  auto pair = velo::io::connect_stream(velo::io::StreamKind::pipe);
  REQUIRE(pair);
  velo::io::Receiver receiver(pair->receiver.get(), 4, velo::io::source_content_hash(4));
  CHECK(receiver.verifies());
  REQUIRE(::write(pair->sender.get(), "abcd", 4) == 4);
  receiver.receive(1);
  CHECK(receiver.received() == 4);
  CHECK(receiver.error().empty());
}

TEST_CASE("verified and unverified cases move identical bytes in their timed rounds", "[io]") {
  const velo::Family family = velo::make_io_family();
  for (const char* method : {"read_write", "sendfile"}) {
    for (const char* path : {"file_to_unix", "file_to_file"}) {
      const velo::Implementation* impl = family.find_impl(method);
      REQUIRE(impl);
      for (bool verify : {false, true}) {
        INFO(method << " " << path << " verify_content=" << verify);
        velo::Params params = defaults(family, *impl);
        params.set("path", std::string(path));
        params.set("file_bytes", std::int64_t{1'000'003});
        params.set("chunk", std::int64_t{65536});
        params.set("verify_content", verify);
        Made made = impl->make(params);
        REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
        auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
        RecordingSink sink;
        CHECK(run_repetition(workload, 3, sink).empty());
        CHECK(sink.values.at("bytes_verified") == 1'000'003);
      }
    }
  }
}

TEST_CASE("the content hash does not depend on how the bytes are split", "[io]") {
  std::vector<std::byte> content(100'000);
  velo::io::fill_source_content(0, content);
  velo::io::ContentHash whole;
  whole.update(content.data(), content.size());
  velo::io::ContentHash pieces;
  for (std::size_t at = 0; at < content.size(); at += 777) {
    pieces.update(content.data() + at, std::min<std::size_t>(777, content.size() - at));
  }
  CHECK(whole.value() == pieces.value());
  CHECK(whole.value() == velo::io::source_content_hash(100'000));
}

TEST_CASE("the source file is reproducible and reused", "[io]") {
  const std::string directory = velo::io::data_directory("tmpdir");
  CHECK(directory == private_tmpdir.path);
  auto first = velo::io::open_source_file(directory, 100'003);
  REQUIRE(first);
  struct stat before {};
  REQUIRE(::fstat(first->fd.get(), &before) == 0);
  auto hash = velo::io::hash_file(first->fd.get(), 100'003);
  REQUIRE(hash);
  CHECK(*hash == velo::io::source_content_hash(100'003));
  auto again = velo::io::open_source_file(directory, 100'003);
  REQUIRE(again);
  struct stat after {};
  REQUIRE(::fstat(again->fd.get(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);  // reused, not rewritten
  CHECK(again->path == first->path);
  CHECK(velo::io::source_content_hash(7) != velo::io::source_content_hash(8));
}

TEST_CASE("cache=cold drops the source's pages, and is skipped on tmpfs", "[io]") {
  const velo::Family family = velo::make_io_family();
  const velo::Implementation* impl = family.find_impl("read_write");
  velo::Params params = defaults(family, *impl);
  params.set("file_bytes", std::int64_t{1} << 20);
  params.set("cache", std::string("cold"));
  params.set("path", std::string("file_to_file"));
  params.set("verify_content", true);
  Made made = impl->make(params);
  if (velo::io::is_tmpfs(private_tmpdir.path)) {
    REQUIRE(std::holds_alternative<velo::CaseError>(made));
    CHECK(std::get<velo::CaseError>(made).skip);
    CHECK(std::get<velo::CaseError>(made).reason.find("tmpfs") != std::string::npos);
  } else {
    REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
    RecordingSink sink;
    CHECK(run_repetition(*std::get<std::unique_ptr<velo::Workload>>(made), 3, sink).empty());
  }
  if (velo::io::is_tmpfs("/dev/shm")) {
    ::setenv("TMPDIR", "/dev/shm", 1);
    Made on_tmpfs = impl->make(params);
    ::setenv("TMPDIR", private_tmpdir.path.c_str(), 1);
    REQUIRE(std::holds_alternative<velo::CaseError>(on_tmpfs));
    CHECK(std::get<velo::CaseError>(on_tmpfs).skip);
    CHECK(std::get<velo::CaseError>(on_tmpfs).reason.find("tmpfs") != std::string::npos);
  }
}

TEST_CASE("io_uring_send_zc shows that loopback copies anyway", "[io]") {
  if (auto reason = velo::io::io_uring_unsupported({"READ_FIXED", "SEND_ZC"})) {
    WARN("skipped: " << *reason);
    return;
  }
  const velo::Family family = velo::make_io_family();
  const velo::Implementation* impl = family.find_impl("io_uring_send_zc");
  velo::Params params = defaults(family, *impl);
  params.set("file_bytes", std::int64_t{1} << 20);
  params.set("verify_content", true);
  Made made = impl->make(params);
  REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
  RecordingSink sink;
  CHECK(run_repetition(*std::get<std::unique_ptr<velo::Workload>>(made), 2, sink).empty());
  // Kernels before 6.2 do not report usage: then the share is 0 and there is no note.
  REQUIRE(sink.values.count("zc_copied_pct") == 1);
  if (sink.values.at("zc_copied_pct") > 0) {
    CHECK(sink.values.at("zc_copied_pct") == 100.0);
    CHECK(!sink.notes.empty());
  }
}

TEST_CASE("methods a path cannot use are skipped with the reason", "[io]") {
  const velo::Family family = velo::make_io_family();
  const velo::Implementation* copy = family.find_impl("copy_file_range");
  velo::Params params = defaults(family, *copy);
  params.set("path", std::string("file_to_unix"));
  REQUIRE(copy->case_unsupported);
  const auto reason = copy->case_unsupported(params);
  REQUIRE(reason);
  CHECK(reason->find("file_to_file") != std::string::npos);
  const velo::Implementation* zc = family.find_impl("io_uring_send_zc");
  velo::Params zc_params = defaults(family, *zc);
  zc_params.set("path", std::string("file_to_file"));
  CHECK(zc->case_unsupported(zc_params).has_value());
}

TEST_CASE("dir takes tmpdir, cwd or a path, and refuses a directory that is not there", "[io]") {
  CHECK(velo::io::data_directory("cwd") == ".");
  CHECK(velo::io::data_directory("tmpdir") == private_tmpdir.path);
  const std::string disk = private_tmpdir.path + "/elsewhere";
  std::filesystem::create_directory(disk);
  CHECK(velo::io::data_directory(disk) == disk);

  const velo::Family family = velo::make_io_family();
  const velo::Implementation* impl = family.find_impl("read_write");
  velo::Params params = defaults(family, *impl);
  params.set("file_bytes", std::int64_t{65'537});
  params.set("path", std::string("file_to_file"));
  params.set("verify_content", true);
  params.set("dir", disk);
  REQUIRE_FALSE(family.validate(params));
  Made made = impl->make(params);
  REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
  RecordingSink sink;
  CHECK(run_repetition(*std::get<std::unique_ptr<velo::Workload>>(made), 2, sink).empty());
  bool source_in_disk = false;
  for (const auto& entry : std::filesystem::directory_iterator(disk)) {
    source_in_disk |= entry.path().filename().string().starts_with("velo-io-src-");
  }
  CHECK(source_in_disk);

  params.set("dir", disk + "/missing");
  const auto refused = family.validate(params);
  REQUIRE(refused);
  CHECK(refused->find("missing") != std::string::npos);
  CHECK(refused->find("No such file") != std::string::npos);
}
