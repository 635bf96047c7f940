// Paired base/head runs of external benchmarks (docs/external.md, "Paired base/head
// runs"): where each family finds the same benchmark built from the base commit.
//
// The base side of a case measures the head's case with a few parameters replaced,
// (base_params_for), so both sides share the case id and velo's paired test (docs/gate.md) compares them
// fork by fork, as --baseline-velo does for built-in families:
// - gbench: `binary` becomes --baseline-binary's base binary, or the same relative
//   path inside --baseline-dir (the base checkout);
// - gobench: `package` becomes the same relative path inside --baseline-dir;
// - command: `command` becomes the variant's `baseline_command` when it has one, and
//   the commands run in --baseline-dir (a relative `cwd` inside it) when given;
// - an external_command variant inside a built-in family: the same as command (its
//   family's own variants run inside velo and have no external base).
// A case the base build cannot be found for is measured on the head side only and
// its base side is reported skipped with the reason (never silently dropped).
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "families/external/baseline.hpp"

namespace velo::external {

namespace {

constexpr std::string_view kNone = "none";

// `path` inside the base checkout `dir`, or nullopt for an absolute path (it names
// the same file on both sides, so it has no base there).
std::optional<std::string> inside(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/') return std::nullopt;
  std::string joined = (std::filesystem::path(dir) / path).lexically_normal().string();
  if (joined.size() > 1 && joined.back() == '/') joined.pop_back();  // "base/." is "base/"
  return joined;
}

std::variant<Params, std::string> gbench_base_params(const Params& params, const BaseBuild& base) {
  Params out = params;
  const std::string& binary = params.text("binary");
  if (const auto named = base.binaries.find(binary); named != base.binaries.end()) {
    out.set("binary", named->second);
  } else if (!base.any_binary.empty()) {
    out.set("binary", base.any_binary);
  } else if (auto in_dir = base.dir.empty() ? std::nullopt : inside(base.dir, binary)) {
    out.set("binary", *in_dir);
  } else {
    return fmt::format("no base build of '{}': give --baseline-binary {}=BASE_BINARY{}", binary, binary,
                       base.dir.empty() ? "" : " (an absolute path is not looked up in --baseline-dir)");
  }
  return out;
}

std::variant<Params, std::string> gobench_base_params(const Params& params, const BaseBuild& base) {
  const std::string& package = params.text("package");
  auto in_dir = base.dir.empty() ? std::nullopt : inside(base.dir, package);
  if (!in_dir) {
    return fmt::format("no base build of package '{}': give --baseline-dir BASE_CHECKOUT, where the package is "
                       "found at the same relative path{}",
                       package, base.dir.empty() ? "" : " (this path is absolute)");
  }
  Params out = params;
  out.set("package", *in_dir);
  return out;
}

std::variant<Params, std::string> command_base_params(const Params& params, const BaseBuild& base) {
  const std::string& base_command = params.text("baseline_command");
  const bool own_command = base_command != kNone;
  if (base.dir.empty() && !own_command) {
    return "no base command: give the variant a baseline_command, or --baseline-dir BASE_CHECKOUT to run the same "
           "command there";
  }
  Params out = params;
  if (own_command) out.set("command", base_command);
  if (!base.dir.empty()) {
    const std::string& cwd = params.text("cwd");
    if (auto in_dir = inside(base.dir, cwd)) out.set("cwd", *in_dir);
  }
  return out;
}

}  // namespace

const BaseParams* base_params_for(std::string_view family, std::string_view impl) {
  static const std::map<std::string, BaseParams, std::less<>> table = {
      {"command", command_base_params},
      {"gbench", gbench_base_params},
      {"gobench", gobench_base_params},
  };
  // An external_command variant's `command`, `baseline_command` and `cwd` mean what
  // the command family's do.
  static const BaseParams external_command = command_base_params;
  if (impl == "external_command") return &external_command;
  const auto found = table.find(family);
  return found == table.end() ? nullptr : &found->second;
}

}  // namespace velo::external
