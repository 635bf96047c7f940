#include "families/io/transfer.hpp"

#include <fmt/format.h>

namespace velo::io {

Path path_of(const Params& params) {
  const std::string& path = params.text("path");
  if (path == "file_to_unix") return Path::file_to_unix;
  if (path == "file_to_file") return Path::file_to_file;
  return Path::file_to_tcp;
}

std::vector<ParamSpec> transfer_params() {
  return {
      {.name = "path", .type = ParamType::choice, .default_value = std::string("file_to_tcp"),
       .doc = "where the file goes: a loopback TCP receiver, a Unix-socket receiver, or another file",
       .choices = {"file_to_tcp", "file_to_unix", "file_to_file"}},
      {.name = "file_bytes", .type = ParamType::bytes, .default_value = std::int64_t{64} << 20,
       .doc = "size of the source file; one op moves all of it", .unit = "B", .min = 0,
       .max = static_cast<double>(std::int64_t{1} << 40)},
      {.name = "chunk_bytes", .type = ParamType::bytes, .default_value = std::int64_t{64} << 10,
       .doc = "most bytes moved per system call or io_uring submission", .unit = "B", .min = 4096,
       .max = 1 << 20},
      {.name = "cache", .type = ParamType::choice, .default_value = std::string("warm"),
       .doc = "warm: source in the page cache; cold: its pages dropped (fadvise DONTNEED) before every op",
       .choices = {"warm", "cold"}},
      {.name = "dir", .type = ParamType::text, .default_value = std::string("tmpdir"),
       .doc = "where the source (and destination) files live: tmpdir ($TMPDIR, else /tmp), cwd, or a path"},
      {.name = "prealloc", .type = ParamType::boolean, .default_value = false,
       .doc = "file_to_file: destination allocated once up front (true) or truncated before every op (false)"},
      {.name = "verify_content", .type = ParamType::boolean, .default_value = false,
       .doc = "check content (XXH3), outside timing: after each repetition one more op is hashed at the receiver, or the destination is read back"},
  };
}

ParamSpec queue_depth_param() {
  return {.name = "queue_depth", .type = ParamType::integer, .default_value = std::int64_t{4},
          .doc = "chunks in flight at once (each with its own registered buffer)", .min = 1, .max = 256};
}

std::optional<std::string> unless_path(const Params& params, Path wanted, std::string_view method) {
  if (path_of(params) == wanted) return std::nullopt;
  switch (wanted) {
    case Path::file_to_tcp:
      return fmt::format("{} needs a TCP socket destination (path=file_to_tcp), not path={}", method,
                         params.text("path"));
    case Path::file_to_file:
      return fmt::format("{} copies between files only (path=file_to_file), not path={}", method,
                         params.text("path"));
    case Path::file_to_unix:
      break;
  }
  return fmt::format("{} does not support path={}", method, params.text("path"));
}

std::variant<TransferSetup, CaseError> prepare_transfer(const Params& params) {
  TransferSetup setup;
  setup.transfer.path = path_of(params);
  setup.transfer.bytes = params.integer("file_bytes");
  setup.transfer.chunk = params.integer("chunk_bytes");
  setup.cold = params.text("cache") == "cold";
  setup.prealloc = params.boolean("prealloc");
  setup.directory = data_directory(params.text("dir"));

  if (setup.cold && is_tmpfs(setup.directory)) {
    return CaseError{fmt::format("cache=cold cannot be produced on tmpfs ({}): a tmpfs file's pages are the file "
                                 "itself; set dir to a directory on a disk",
                                 setup.directory),
                     true};
  }
  auto source = open_source_file(setup.directory, setup.transfer.bytes);
  if (!source) return CaseError{source.error().message};
  setup.source = std::move(*source);
  setup.transfer.source = setup.source.fd.get();

  if (setup.transfer.dest_is_file()) {
    auto dest = open_destination_file(setup.directory, setup.prealloc ? setup.transfer.bytes : 0);
    if (!dest) return CaseError{dest.error().message};
    setup.dest_file = std::move(*dest);
    setup.transfer.dest = setup.dest_file.get();
  } else {
    auto stream = connect_stream(setup.transfer.path == Path::file_to_tcp ? StreamKind::tcp
                                                                           : StreamKind::unix_socket);
    if (!stream) return CaseError{stream.error().message};
    setup.stream = std::move(*stream);
    setup.transfer.dest = setup.stream.sender.get();
  }
  if (params.boolean("verify_content")) setup.expected_hash = source_content_hash(setup.transfer.bytes);
  return setup;
}

}  // namespace velo::io
