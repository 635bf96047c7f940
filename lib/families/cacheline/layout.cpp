#include "families/cacheline/layout.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

#include <fmt/format.h>

namespace velo::cacheline {

std::size_t StructLayout::padding_after(std::size_t field) const {
  const FieldLayout& f = fields[field];
  const std::size_t end = f.offset + f.size;
  const std::size_t next = field + 1 < fields.size() ? fields[field + 1].offset : size;
  return next > end ? next - end : 0;
}

std::size_t StructLayout::total_padding() const {
  std::size_t padding = fields.empty() ? size : fields.front().offset;
  for (std::size_t i = 0; i < fields.size(); ++i) padding += padding_after(i);
  return padding;
}

nlohmann::json to_json(const StructLayout& layout, std::size_t line_bytes) {
  nlohmann::json fields = nlohmann::json::array();
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    const FieldLayout& f = layout.fields[i];
    nlohmann::json field = {
        {"name", f.name},
        {"type", f.type},
        {"offset", f.offset},
        {"size", f.size},
        {"padding_after", layout.padding_after(i)},
        {"cache_line", f.offset / line_bytes},
    };
    const std::size_t last_line = (f.offset + std::max<std::size_t>(f.size, 1) - 1) / line_bytes;
    if (last_line != f.offset / line_bytes) field["cache_line_end"] = last_line;
    fields.push_back(std::move(field));
  }
  return {
      {"name", layout.name},
      {"sizeof", layout.size},
      {"alignof", layout.align},
      {"padding_bytes", layout.total_padding()},
      {"line_bytes", line_bytes},
      {"cache_lines", (layout.size + line_bytes - 1) / line_bytes},
      {"fields", std::move(fields)},
  };
}

nlohmann::json to_json(const std::vector<StructLayout>& layouts, std::size_t line_bytes) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& layout : layouts) all.push_back(to_json(layout, line_bytes));
  return all;
}

std::string render_layouts(const nlohmann::json& layouts) {
  std::string out;
  for (const auto& layout : layouts) {
    const auto line_bytes = layout.value("line_bytes", std::size_t{64});
    out += fmt::format("struct {} {{\n", layout.value("name", std::string("?")));
    std::size_t line = 0;
    std::size_t members = 0;
    std::size_t holes = 0;
    for (const auto& field : layout["fields"]) {
      const auto offset = field["offset"].get<std::size_t>();
      const auto size = field["size"].get<std::size_t>();
      const auto padding = field["padding_after"].get<std::size_t>();
      if (offset / line_bytes > line) {
        line = offset / line_bytes;
        out += fmt::format("\t/* --- cacheline {} boundary ({} bytes) --- */\n", line, line * line_bytes);
      }
      const std::string declaration = fmt::format("{} {};", field["type"].get<std::string>(),
                                                  field["name"].get<std::string>());
      out += fmt::format("\t{:<40} /* {:5} {:5} */\n", declaration, offset, size);
      members += size;
      if (padding > 0 && &field != &layout["fields"].back()) {
        ++holes;
        out += fmt::format("\n\t/* XXX {} bytes hole */\n\n", padding);
      }
    }
    const auto size = layout["sizeof"].get<std::size_t>();
    const auto& fields = layout["fields"];
    const std::size_t tail = fields.empty() ? size : fields.back()["padding_after"].get<std::size_t>();
    out += fmt::format("\n\t/* size: {}, cachelines: {}, members: {}, align: {} */\n", size,
                       layout["cache_lines"].get<std::size_t>(), fields.size(),
                       layout["alignof"].get<std::size_t>());
    out += fmt::format("\t/* sum members: {}, holes: {}, sum holes: {} */\n", members, holes,
                       layout["padding_bytes"].get<std::size_t>() - tail);
    if (tail > 0) out += fmt::format("\t/* padding: {} */\n", tail);
    if (size % line_bytes != 0) out += fmt::format("\t/* last cacheline: {} bytes */\n", size % line_bytes);
    out += "};\n";
  }
  return out;
}

double line_bytes_per_record(std::size_t stride, std::size_t read_begin, std::size_t read_end,
                             std::size_t line_bytes) {
  assert(stride > 0 && read_begin < read_end && read_end <= stride);
  // Record r starts at r * stride; the pattern of lines repeats after `period`
  // records, when the offset within a line returns to 0.
  const std::size_t period = line_bytes / std::gcd(stride, line_bytes);
  std::size_t lines = 0;
  std::size_t last_line = static_cast<std::size_t>(-1);
  for (std::size_t r = 0; r < period; ++r) {
    const std::size_t first = (r * stride + read_begin) / line_bytes;
    const std::size_t last = (r * stride + read_end - 1) / line_bytes;
    // Lines only move forward, so a line seen before is always the previous one.
    lines += last - first + 1 - (first == last_line ? 1 : 0);
    last_line = last;
  }
  return static_cast<double>(lines * line_bytes) / static_cast<double>(period);
}

}  // namespace velo::cacheline
