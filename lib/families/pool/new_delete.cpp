// The baseline: every take is a fresh `operator new`, every give a sized
// `operator delete`. Whether pooling pays is measured against this, and against
// this under other allocators: `allocator = jemalloc|mimalloc` starts the worker
// process with that library preloaded (LD_PRELOAD), so operator new reaches it
// through the allocation interposer. The allocator actually serving the worker is
// checked in the worker (alloc::active_allocator()); a mismatch fails the case.
#include <fmt/format.h>

#include "alloc/counting.hpp"
#include "alloc/preload.hpp"
#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class NewDelete {
 public:
  explicit NewDelete(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes), fresh_(setup.threads) {}

  std::byte* take(int member) {
    fresh_.add(member);
    return new_object(object_bytes_);
  }
  void give(int, std::byte* object) { delete_object(object, object_bytes_); }
  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const { return fresh_.total(); }

 private:
  std::size_t object_bytes_;
  FreshCount fresh_;
};

std::optional<std::string> allocator_missing(const Params& params) {
  const std::string& allocator = params.text("allocator");
  if (allocator == "glibc") return std::nullopt;
  if (alloc::sanitizer_replaces_malloc()) {
    return fmt::format("this velo is a sanitizer build: its runtime replaces malloc, {} cannot be preloaded", allocator);
  }
  if (alloc::find_allocator_library(allocator)) return std::nullopt;
  return fmt::format("{} is not installed (Debian package {})", allocator, alloc::allocator_package(allocator));
}

std::map<std::string, std::string> preload(const Params& params) {
  const auto library = alloc::find_allocator_library(params.text("allocator"));
  if (!library) return {};
  return {{"LD_PRELOAD", *library}};
}

}  // namespace

Implementation new_delete() {
  return {.name = "new_delete",
          .doc = "operator new/delete per object (the baseline), under glibc, jemalloc or mimalloc",
          .params = {{.name = "allocator",
                      .type = ParamType::choice,
                      .default_value = std::string("glibc"),
                      .doc = "allocator preloaded into the worker process",
                      .choices = {"glibc", "jemalloc", "mimalloc"}}},
          .case_unsupported = allocator_missing,
          .worker_environment = preload,
          .make = factory_for<NewDelete>()};
}

}  // namespace velo::pool
