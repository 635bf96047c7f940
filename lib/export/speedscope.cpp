#include "export/speedscope.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/build_info.hpp"

namespace velo::exporter {

std::string speedscope_json(const profiler::FoldedStacks& stacks, const std::string& name) {
  using nlohmann::json;
  json frames = json::array();
  std::unordered_map<std::string, std::size_t> frame_index;
  auto index_of = [&](std::string_view frame) {
    auto [it, inserted] = frame_index.try_emplace(std::string(frame), frame_index.size());
    if (inserted) frames.push_back({{"name", it->first}});
    return it->second;
  };

  struct Profile {
    json samples = json::array();
    json weights = json::array();
    std::uint64_t total = 0;
  };
  std::map<std::string, Profile> profiles;  // by thread name, sorted
  for (const auto& [stack, count] : stacks.stacks()) {
    auto names = profiler::split_frames(stack);
    std::string thread(profiler::thread_of(names.front()));
    std::size_t first = 1;
    if (thread.empty()) {
      thread = name;
      first = 0;
    }
    json sample = json::array();
    for (std::size_t i = first; i < names.size(); ++i) sample.push_back(index_of(names[i]));
    Profile& profile = profiles[thread];
    profile.samples.push_back(std::move(sample));
    profile.weights.push_back(count);
    profile.total += count;
  }

  json out_profiles = json::array();
  for (auto& [thread, profile] : profiles) {
    out_profiles.push_back({{"type", "sampled"},
                            {"name", thread},
                            {"unit", "none"},
                            {"startValue", 0},
                            {"endValue", profile.total},
                            {"samples", std::move(profile.samples)},
                            {"weights", std::move(profile.weights)}});
  }
  json document = {{"$schema", "https://www.speedscope.app/file-format-schema.json"},
                   {"shared", {{"frames", std::move(frames)}}},
                   {"profiles", std::move(out_profiles)},
                   {"name", name},
                   {"activeProfileIndex", 0},
                   {"exporter", "velo " + std::string(build::version())}};
  return document.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace velo::exporter
