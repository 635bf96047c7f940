#include "profiler/folded.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/input_file.hpp"
#include "core/text.hpp"

namespace velo::profiler {

std::string clean_frame(std::string_view name) {
  if (name.empty()) return "[unknown]";
  // The one place frame names enter velo (the sampler's symbols and folded files
  // alike): from here on every frame is valid UTF-8, so JSON and XML writers can take it.
  std::string out = valid_utf8(name);
  for (char& c : out) {
    if (c == ';') c = ':';
    else if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string thread_frame(std::string_view thread_name) {
  return fmt::format("{}{}]", kThreadFramePrefix, clean_frame(thread_name));
}

std::string_view thread_of(std::string_view frame) {
  if (frame.size() <= kThreadFramePrefix.size() + 1 || !frame.starts_with(kThreadFramePrefix) ||
      !frame.ends_with(']')) {
    return {};
  }
  return frame.substr(kThreadFramePrefix.size(), frame.size() - kThreadFramePrefix.size() - 1);
}

std::vector<std::string_view> split_frames(std::string_view stack) {
  std::vector<std::string_view> frames;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = stack.find(';', begin);
    frames.push_back(stack.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return frames;
}

void FoldedStacks::add(const std::vector<std::string>& frames, std::uint64_t count) {
  if (count == 0) return;
  std::string key;
  for (const auto& frame : frames) {
    if (!key.empty()) key += ';';
    key += clean_frame(frame);
  }
  if (key.empty()) key = "[unknown]";
  stacks_[key] += count;
  total_ += count;
}

void FoldedStacks::merge(const FoldedStacks& other) {
  for (const auto& [stack, count] : other.stacks_) stacks_[stack] += count;
  total_ += other.total_;
}

std::string FoldedStacks::write() const {
  std::string out;
  for (const auto& [stack, count] : stacks_) {
    out += stack;
    out += ' ';
    out += std::to_string(count);
    out += '\n';
  }
  return out;
}

Expected<FoldedStacks> FoldedStacks::read_file(const std::string& path) {
  auto text = read_input_file(path, "folded file", kMaxDataFileBytes);
  if (!text.ok()) return text.error();
  return parse(*text, path);
}

Expected<FoldedStacks> FoldedStacks::parse(std::string_view text, std::string_view file_name) {
  FoldedStacks result;
  int line_number = 0;
  auto fail = [&](std::string message) {
    return make_error(std::move(message), {std::string(file_name), line_number});
  };
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line

    const std::size_t space = line.find_last_of(' ');
    if (space == std::string_view::npos) {
      return fail("expected 'frame;frame;... COUNT' (a stack, a space, a sample count)");
    }
    const std::string_view stack = line.substr(0, space);
    const std::string_view count_text = line.substr(space + 1);
    std::uint64_t count = 0;
    const auto [end, error] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (error != std::errc{} || end != count_text.data() + count_text.size()) {
      return fail(fmt::format("expected an integer sample count after the last space, found '{}'", count_text));
    }
    if (count == 0) return fail("expected a sample count of at least 1, found 0");
    if (stack.empty()) return fail("expected a stack before the sample count");
    if (count > UINT64_MAX - result.total_) return fail("the sample counts add up to more than 2^64");
    std::vector<std::string> frames;
    for (std::string_view frame : split_frames(stack)) {
      if (frame.empty()) {
        return fail(fmt::format("expected a frame name between ';' separators in '{}'", stack));
      }
      frames.emplace_back(frame);
    }
    result.add(frames, count);
  }
  return result;
}

}  // namespace velo::profiler
