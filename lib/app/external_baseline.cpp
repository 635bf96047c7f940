#include "app/external_baseline.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/text.hpp"
#include "families/external/baseline.hpp"

namespace velo::app {

namespace {

// At most this many names in one note; the rest are counted.
constexpr std::size_t kNamesShown = 10;

std::string some_names(const std::vector<std::string>& names) {
  std::vector<std::string> shown(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(
                                                                     std::min(names.size(), kNamesShown)));
  std::string out = join(shown, ", ");
  if (names.size() > shown.size()) out += fmt::format(" and {} more", names.size() - shown.size());
  return out;
}

Status check_executable(const std::string& path) {
  if (::access(path.c_str(), X_OK) != 0) {
    return make_error(fmt::format("--baseline-binary {}: cannot execute it: {}", path, std::strerror(errno)));
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error(fmt::format("--baseline-binary {}: a directory, expected a Google Benchmark executable", path));
  }
  return {};
}

// The gbench binaries the cases run, as the scenarios name them.
std::set<std::string> gbench_binaries(const std::vector<Case>& cases) {
  std::set<std::string> out;
  for (const Case& c : cases) {
    if (c.family == "gbench" && c.params.has("binary")) out.insert(c.params.text("binary"));
  }
  return out;
}

Expected<external::BaseBuild> read_options(const std::vector<Case>& cases, const ExternalBaselineOptions& options) {
  external::BaseBuild build;
  if (!options.dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.dir, ec)) {
      return make_error(fmt::format("--baseline-dir {}: not a directory (expected the base commit's checkout, "
                                    "with its benchmarks built)", options.dir));
    }
    build.dir = options.dir;
  }
  const std::set<std::string> binaries = gbench_binaries(cases);
  const std::string known = binaries.empty() ? std::string("none") : join({binaries.begin(), binaries.end()}, ", ");
  for (const std::string& option : options.binaries) {
    const auto equals = option.find('=');
    const std::string head = equals == std::string::npos ? std::string() : option.substr(0, equals);
    const std::string base = equals == std::string::npos ? option : option.substr(equals + 1);
    if (base.empty()) return make_error(fmt::format("--baseline-binary '{}': expected [HEAD=]BASE, BASE is empty", option));
    if (binaries.empty()) {
      return make_error(fmt::format("--baseline-binary {}: no gbench case to pair it with (the scenarios run no "
                                    "Google Benchmark binary)", option));
    }
    if (auto ok = check_executable(base); !ok.ok()) return ok.error();
    if (head.empty()) {
      if (!build.any_binary.empty()) {
        return make_error(fmt::format("--baseline-binary {} and {}: two base binaries for every gbench case; name "
                                      "the head binary each replaces: --baseline-binary HEAD=BASE",
                                      build.any_binary, base));
      }
      if (binaries.size() > 1) {
        return make_error(fmt::format("--baseline-binary {}: ambiguous, the scenarios run {} gbench binaries ({}); "
                                      "name the one it replaces: --baseline-binary HEAD=BASE",
                                      base, binaries.size(), known));
      }
      build.any_binary = base;
      continue;
    }
    if (!binaries.count(head)) {
      return make_error(fmt::format("--baseline-binary {}: no gbench case runs '{}' (the scenarios' binaries: {})",
                                    option, head, known));
    }
    if (!build.binaries.emplace(head, base).second) {
      return make_error(fmt::format("--baseline-binary: two base binaries for '{}'", head));
    }
  }
  return build;
}

// A case's parameters without the listed one, as one text: the cases of one listing.
std::string listing_key(const Case& c, const std::string& listed) {
  std::string key = c.scenario + "\n" + c.variant;
  for (const auto& [name, value] : c.params.values()) {
    if (name != listed) key += fmt::format("\n{}={}", name, format_param(value, ParamType::text));
  }
  return key;
}

Params without(const Params& params, const std::string& name) {
  Params out;
  for (const auto& [key, value] : params.values()) {
    if (key != name) out.set(key, value);
  }
  return out;
}

}  // namespace

Expected<ExternalPairing> ExternalPairing::plan(const Registry& registry, const std::vector<Case>& cases,
                                                const ExternalBaselineOptions& options) {
  auto build = read_options(cases, options);
  if (!build.ok()) return build.error();
  ExternalPairing pairing;
  pairing.options_dir_ = options.dir;
  // What the base side was: in both reports (the run request records the other build
  // only for --baseline-velo).
  std::vector<std::string> given;
  for (const std::string& binary : options.binaries) given.push_back("--baseline-binary " + binary);
  if (!options.dir.empty()) given.push_back("--baseline-dir " + options.dir);
  pairing.description_ =
      fmt::format("paired run of external benchmarks: the base side ran the base build given by {}", join(given, ", "));
  // Per listing (one variant at one matrix point of a listing family): the names
  // the head side has, and the base build's list.
  struct Listing {
    std::set<std::string> head;
    std::set<std::string> base;
    std::string scenario, variant;
  };
  std::map<std::string, Listing> listings;
  for (const Case& c : cases) {
    Case base = c;
    const Family* family = registry.find(c.family);
    const external::BaseParams* base_params = external::base_params_for(c.family, c.impl);
    if (c.skip_reason) {
      // Skipped on both sides, for the same reason.
    } else if (!family || !base_params) {
      base.skip_reason = fmt::format("no base build: a {} case runs inside velo, its base is another velo build "
                                     "(--baseline-velo)", c.family);
    } else if (auto params = (*base_params)(c.params, *build); auto* reason = std::get_if<std::string>(&params)) {
      base.skip_reason = *reason;
    } else {
      base.params = std::move(std::get<Params>(params));
    }
    if (!base.skip_reason && family->listed_param) {
      const std::string& name = family->listed_param->name;
      Listing& listing = listings[listing_key(c, name)];
      if (listing.variant.empty()) {
        listing.scenario = c.scenario;
        listing.variant = c.variant;
        auto listed = family->listed_param->list(without(base.params, name));
        if (!listed.ok()) {
          return make_error(fmt::format("the base build of variant '{}' of scenario '{}': {}", c.variant,
                                        c.scenario, listed.error().message));
        }
        if (listed->empty()) {
          return make_error(fmt::format("the base build of variant '{}' of scenario '{}' lists no {} to measure",
                                        c.variant, c.scenario, name));
        }
        listing.base.insert(listed->begin(), listed->end());
      }
      const std::string& value = c.params.text(name);
      listing.head.insert(value);
      if (!listing.base.count(value)) {
        base.skip_reason = fmt::format("no base: the base build has no {} '{}' (new in head?); measured on the "
                                       "head side only", name, value);
      }
    }
    pairing.base_by_id_.emplace(c.id, std::move(base));
  }
  for (const auto& [key, listing] : listings) {
    std::vector<std::string> only_base;
    for (const std::string& name : listing.base) {
      if (!listing.head.count(name)) only_base.push_back(name);
    }
    if (!only_base.empty()) {
      pairing.notes_.push_back(fmt::format("paired run: the base build of variant '{}' of scenario '{}' has {} "
                                           "benchmark(s) the head does not, not measured: {}",
                                           listing.variant, listing.scenario, only_base.size(),
                                           some_names(only_base)));
    }
  }
  return pairing;
}

Expected<std::vector<Case>> ExternalPairing::base_cases(const std::vector<Case>& selected) {
  std::vector<Case> out;
  out.reserve(selected.size());
  std::vector<std::string> unpaired;
  std::string first_reason;
  for (const Case& c : selected) {
    const auto found = base_by_id_.find(c.id);
    out.push_back(found == base_by_id_.end() ? c : found->second);
    if (!c.skip_reason && out.back().skip_reason) {
      if (unpaired.empty()) first_reason = *out.back().skip_reason;
      unpaired.push_back(c.id);
    }
  }
  const auto paired = std::count_if(out.begin(), out.end(), [](const Case& c) { return !c.skip_reason; });
  if (paired == 0) {
    const std::string first = unpaired.empty()
                                  ? std::string()
                                  : fmt::format(" (first: {}: {})", unpaired.front(), first_reason);
    return make_error(fmt::format("{}: none of the {} cases to measure has a base build to pair with{}",
                                  options_dir_.empty() ? "--baseline-binary" : "--baseline-dir", selected.size(),
                                  first));
  }
  if (!unpaired.empty()) {
    notes_.push_back(fmt::format("paired run: {} of {} cases have no base build and were measured on the head side "
                                 "only (their base side is skipped, with the reason): {}",
                                 unpaired.size(), selected.size(), some_names(unpaired)));
  }
  return out;
}

}  // namespace velo::app
