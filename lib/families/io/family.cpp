#include "families/io/io.hpp"
#include "families/io/source_file.hpp"

namespace velo {

Family make_io_family() {
  Family family;
  family.name = "io";
  family.doc = "Linux data paths: read/write vs mmap vs sendfile vs splice vs copy_file_range vs io_uring, "
               "and small-write batching";
  family.op = "one whole transfer of file_bytes (small_writes: all `records` records)";
  family.metrics = {
      {.name = "gb_per_s", .unit = "GB/s", .better = Better::higher,
       .doc = "bytes moved per second of the measured region, in 10^9 bytes"},
      {.name = "cpu_s_per_gib", .unit = "s/GiB", .better = Better::lower,
       .doc = "CPU seconds (user + system, all threads incl. the receiver) per GiB moved"},
      {.name = "syscalls_per_mib", .unit = "calls/MiB", .better = Better::lower,
       .doc = "system calls (io_uring: io_uring_enter) made by the sending side per MiB moved"},
      {.name = "bytes_verified", .unit = "B", .better = Better::higher,
       .doc = "bytes per op counted at the receiver or destination (the case fails unless it is the full size)"},
      {.name = "zc_copied_pct", .unit = "%", .better = Better::lower,
       .doc = "io_uring_send_zc: share of zero-copy sends the kernel copied anyway (always 100 on loopback)"},
      {.name = "ns_per_record", .unit = "ns", .better = Better::lower,
       .doc = "small_writes: wall time per record"},
      {.name = "syscalls_per_record", .unit = "calls", .better = Better::lower,
       .doc = "small_writes: system calls per record"},
  };
  family.headline = {"gb_per_s", "cpu_s_per_gib", "syscalls_per_mib"};
  // A directory that does not exist is a mistake in the scenario, not a skip.
  family.validate = [](const Params& params) -> std::optional<std::string> {
    if (!params.has("dir")) return std::nullopt;
    return io::unusable_directory(params.text("dir"));
  };
  family.impls = {
#define VELO_VARIANT(file, function) io::function(),
#include "families/io/variants.def"
#undef VELO_VARIANT
  };
  return family;
}

}  // namespace velo
