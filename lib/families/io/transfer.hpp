// What every transfer method is given, and the parameters they all take.
//
// A method moves `bytes` bytes of the source file, from offset 0, to `dest`, at
// most `chunk` bytes per system call (or per submission), and returns the number
// of bytes the kernel reported written. It counts every system call it makes in
// `syscalls` (io_uring: every io_uring_enter). A method is a class with:
//   explicit Method(const Params&)
//   std::optional<CaseError> open(const Transfer&)   setup outside timing
//   Expected<std::int64_t> move(const Transfer&)     one op, the measured work
//   std::int64_t syscalls
// and optionally  void report(MetricSink&, std::int64_t ops)  for its own metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "families/family.hpp"
#include "families/io/endpoints.hpp"
#include "families/io/source_file.hpp"

namespace velo::io {

enum class Path { file_to_tcp, file_to_unix, file_to_file };

Path path_of(const Params& params);

struct Transfer {
  int source = -1;
  int dest = -1;
  Path path = Path::file_to_tcp;
  std::int64_t bytes = 0;
  std::int64_t chunk = 0;
  bool dest_is_file() const { return path == Path::file_to_file; }
};

// Parameters every transfer method takes; `queue_depth` only the io_uring ones.
std::vector<ParamSpec> transfer_params();
ParamSpec queue_depth_param();

// Everything a transfer case needs before its method opens: the source file, the
// connected stream or the destination file. A skip (cold cache on tmpfs) or a
// failure comes back as a CaseError.
struct TransferSetup {
  Transfer transfer;
  std::string directory;
  SourceFile source;
  StreamPair stream;    // socket paths
  UniqueFd dest_file;   // file_to_file
  bool cold = false;
  bool prealloc = false;
  std::optional<std::uint64_t> expected_hash;  // verify_content
};
std::variant<TransferSetup, CaseError> prepare_transfer(const Params& params);

// The reason a method that needs a TCP destination cannot run this case, or nullopt.
std::optional<std::string> unless_path(const Params& params, Path wanted, std::string_view method);

}  // namespace velo::io
