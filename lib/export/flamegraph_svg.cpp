#include "export/flamegraph_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace velo::exporter {

namespace {

constexpr double kFrameHeight = 16;
constexpr double kPad = 10;       // left and right margins
constexpr double kHeader = 56;    // title, search box
constexpr double kFooter = 24;    // details line
constexpr double kCharWidth = 7;  // 12px Verdana, approximately

// The call tree lives in one vector and every walk over it is a loop: a folded stack
// may be tens of thousands of frames deep (deep recursion is legitimate), and a
// recursive walk or a chain of owning pointers would overflow the stack.
using NodeId = std::size_t;

struct Node {
  std::string name;
  std::uint64_t total = 0;
  std::uint64_t self = 0;
  double before_self = 0;  // differential mode: BEFORE's self samples, scaled
  int depth = 0;           // the root is 0
  std::map<std::string, NodeId, std::less<>> children;  // sorted by name, like flamegraph.pl
};

struct Tree {
  std::vector<Node> nodes{Node{.name = "all"}};  // nodes[0] is the root

  NodeId child(NodeId parent, std::string_view name) {
    auto it = nodes[parent].children.find(name);
    if (it != nodes[parent].children.end()) return it->second;
    const NodeId id = nodes.size();
    nodes[parent].children.emplace(std::string(name), id);
    nodes.push_back(Node{.name = std::string(name), .depth = nodes[parent].depth + 1});
    return id;
  }
  int depth() const {
    int deepest = 0;
    for (const Node& node : nodes) deepest = std::max(deepest, node.depth);
    return deepest + 1;
  }
};

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\t': case '\n': case '\r': out += c; break;
      default:
        // XML 1.0 allows no other control character, not even as a reference.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += "\xEF\xBF\xBD";  // U+FFFD
        else out += c;
    }
  }
  return out;
}

// flamegraph.pl's warm palette, but from a hash of the name rather than a random
// draw: the same function keeps its colour across graphs, and output is stable.
std::string warm_colour(std::string_view name) {
  std::uint32_t hash = 2166136261U;
  for (unsigned char c : name) hash = (hash ^ c) * 16777619U;
  const double a = static_cast<double>(hash & 0xff) / 255.0;
  const double b = static_cast<double>((hash >> 8) & 0xff) / 255.0;
  return fmt::format("rgb({},{},{})", 205 + static_cast<int>(50 * a), static_cast<int>(230 * b),
                     static_cast<int>(55 * a));
}

// Red for growth, blue for shrinkage, white for no change; `change` in [-1, 1].
std::string diff_colour(double change) {
  const int fade = static_cast<int>(std::lround(210 * (1 - std::min(1.0, std::abs(change)))));
  if (change > 0) return fmt::format("rgb(255,{},{})", fade + 45, fade + 45);
  if (change < 0) return fmt::format("rgb({},{},255)", fade + 45, fade + 45);
  return "rgb(255,255,255)";
}

std::string label_for(std::string_view name, double width) {
  const auto fits = static_cast<std::size_t>(std::max(0.0, (width - 6) / kCharWidth));
  if (fits < 3) return {};
  if (name.size() <= fits) return std::string(name);
  std::size_t cut = fits - 2;
  // Never between the bytes of one UTF-8 character: the SVG must stay well-formed.
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return std::string(name.substr(0, cut)) + "..";
}

class Renderer {
 public:
  Renderer(const FlameOptions& options, const Tree& tree, double max_change)
      : options_(options), tree_(tree), root_(tree.nodes[0]), max_change_(max_change),
        inner_width_(std::max(1.0, options.width - 2 * kPad)), depth_(tree.depth()) {}

  std::string render() {
    const double height = kHeader + depth_ * kFrameHeight + kFooter;
    out_ += fmt::format(
        R"SVG(<?xml version="1.0" standalone="no"?>
<svg version="1.1" width="{0}" height="{1}" viewBox="0 0 {0} {1}" xmlns="http://www.w3.org/2000/svg" data-total="{2}" data-icicle="{3}">
<style>
text {{ font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }}
.f text {{ pointer-events: none; }}
.f:hover rect {{ stroke: black; stroke-width: 0.5; cursor: pointer; }}
#title {{ font-size: 17px; }}
#search {{ font: 12px Verdana, sans-serif; width: 220px; }}
</style>
<rect x="0" y="0" width="{0}" height="{1}" fill="rgb(248,248,248)"/>
<text id="title" x="{4}" y="24" text-anchor="middle">{5}</text>
<text id="reset" x="{6}" y="24" style="cursor:pointer; opacity:0">Reset zoom</text>
<foreignObject x="{7}" y="8" width="240" height="26"><input xmlns="http://www.w3.org/1999/xhtml" id="search" type="search" placeholder="search (regex)"/></foreignObject>
<text id="matched" x="{7}" y="48"></text>
<text id="details" x="{6}" y="{8}"> </text>
<g id="frames">
)SVG",
        options_.width, height, root_.total, options_.icicle ? 1 : 0, options_.width / 2.0,
        escape_xml(options_.title), kPad, options_.width - kPad - 240, height - 8);
    draw_all();
    out_ += "</g>\n<script><![CDATA[\n";
    out_ += kScript;
    out_ += "]]></script>\n</svg>\n";
    return out_;
  }

 private:
  double y_of(int depth) const {
    if (options_.icicle) return kHeader + depth * kFrameHeight;
    return kHeader + (depth_ - 1 - depth) * kFrameHeight;
  }

  // Pre-order, children by name: the order a recursive walk would draw them in.
  void draw_all() {
    std::vector<std::pair<NodeId, std::uint64_t>> pending{{0, 0}};  // node, offset
    std::vector<std::pair<NodeId, std::uint64_t>> children;
    while (!pending.empty()) {
      const auto [id, offset] = pending.back();
      pending.pop_back();
      const Node& node = tree_.nodes[id];
      if (!draw(node, offset)) continue;
      // Children start at the parent's left edge; the parent's self time is the gap on the right.
      children.clear();
      std::uint64_t child_offset = offset;
      for (const auto& [child_name, child] : node.children) {
        children.emplace_back(child, child_offset);
        child_offset += tree_.nodes[child].total;
      }
      pending.insert(pending.end(), children.rbegin(), children.rend());
    }
  }

  // Returns false when the frame is too narrow to draw (and so are its children).
  bool draw(const Node& node, std::uint64_t offset) {
    const int depth = node.depth;
    const double total = static_cast<double>(root_.total);
    const double width = static_cast<double>(node.total) / total * inner_width_;
    if (width < options_.min_width) return false;
    const double x = kPad + static_cast<double>(offset) / total * inner_width_;
    const double percent = 100.0 * static_cast<double>(node.total) / total;
    std::string info = fmt::format("{} ({} samples, {:.2f}%)", node.name, node.total, percent);
    std::string fill = warm_colour(node.name);
    std::string delta_attribute;
    if (options_.diff_before != nullptr) {
      const double delta = static_cast<double>(node.self) - node.before_self;
      info += fmt::format(", self {:+.1f} samples vs before", delta);
      fill = diff_colour(max_change_ > 0 ? delta / max_change_ : 0);
      delta_attribute = fmt::format(R"( data-delta="{:.3f}")", delta);
    }
    const std::string name = escape_xml(node.name);
    out_ += fmt::format(
        R"SVG(<g class="f" data-name="{0}" data-samples="{1}" data-x="{2}" data-depth="{3}"{4}><title>{5}</title><rect x="{6:.2f}" y="{7:.1f}" width="{8:.2f}" height="{9:.1f}" rx="2" fill="{10}"/><text x="{11:.2f}" y="{12:.1f}">{13}</text></g>
)SVG",
        name, node.total, offset, depth, delta_attribute, escape_xml(info), x, y_of(depth), width,
        kFrameHeight - 1, fill, x + 3, y_of(depth) + kFrameHeight - 4.5,
        escape_xml(label_for(node.name, width)));
    return true;
  }

  static constexpr const char* kScript = R"JS(
(function () {
  var svg = document.documentElement;
  var total = +svg.getAttribute("data-total");
  var width = +svg.getAttribute("width"), pad = 10, inner = width - 2 * pad;
  var frames = Array.prototype.slice.call(document.querySelectorAll("g.f"));
  var details = document.getElementById("details"), reset = document.getElementById("reset");
  var matched = document.getElementById("matched"), search = document.getElementById("search");
  function label(name, w) {
    var fits = Math.floor((w - 6) / 7);
    if (fits < 3) return "";
    return name.length <= fits ? name : name.substring(0, fits - 2) + "..";
  }
  function layout(x0, span) {
    frames.forEach(function (g) {
      var x = +g.getAttribute("data-x"), n = +g.getAttribute("data-samples");
      var rect = g.querySelector("rect"), text = g.querySelector("text");
      var left = Math.max(x, x0), right = Math.min(x + n, x0 + span);
      var visible = right > left;
      g.style.display = visible ? "" : "none";
      if (!visible) return;
      var px = pad + (left - x0) / span * inner, pw = (right - left) / span * inner;
      rect.setAttribute("x", px.toFixed(2));
      rect.setAttribute("width", pw.toFixed(2));
      text.setAttribute("x", (px + 3).toFixed(2));
      text.textContent = label(g.getAttribute("data-name"), pw);
    });
  }
  frames.forEach(function (g) {
    g.addEventListener("mouseover", function () { details.textContent = g.querySelector("title").textContent; });
    g.addEventListener("mouseout", function () { details.textContent = " "; });
    g.addEventListener("click", function () {
      layout(+g.getAttribute("data-x"), +g.getAttribute("data-samples"));
      reset.style.opacity = 1;
    });
  });
  reset.addEventListener("click", function () { layout(0, total); reset.style.opacity = 0; });
  search.addEventListener("input", function () {
    var term = search.value, re = null;
    try { re = term ? new RegExp(term) : null; } catch (e) { re = null; }
    var hits = [];
    frames.forEach(function (g) {
      var rect = g.querySelector("rect");
      if (!rect.hasAttribute("data-fill")) rect.setAttribute("data-fill", rect.getAttribute("fill"));
      var hit = re !== null && re.test(g.getAttribute("data-name"));
      rect.setAttribute("fill", hit ? "rgb(230,0,230)" : rect.getAttribute("data-fill"));
      if (hit) hits.push([+g.getAttribute("data-x"), +g.getAttribute("data-samples")]);
    });
    // Matched share: union of matching ranges, so nested matches count once.
    hits.sort(function (a, b) { return a[0] - b[0]; });
    var covered = 0, end = -1;
    hits.forEach(function (h) {
      var s = Math.max(h[0], end), e = h[0] + h[1];
      if (e > s) { covered += e - s; end = e; }
    });
    matched.textContent = re === null ? "" : "Matched: " + (100 * covered / total).toFixed(2) + "%";
  });
})();
)JS";

  const FlameOptions& options_;
  const Tree& tree_;
  const Node& root_;
  double max_change_;
  double inner_width_;
  int depth_;
  std::string out_;
};

void add_stacks(Tree& tree, const profiler::FoldedStacks& stacks) {
  for (const auto& [stack, count] : stacks.stacks()) {
    tree.nodes[0].total += count;
    NodeId node = 0;
    for (auto frame : profiler::split_frames(stack)) {
      node = tree.child(node, frame);
      tree.nodes[node].total += count;
    }
    tree.nodes[node].self += count;
  }
}

// Adds BEFORE's self samples (scaled) to the nodes of AFTER's tree on the same
// path; paths that exist only in BEFORE vanished and cannot be drawn in AFTER's
// layout, so they do not count. Returns the largest |self change|.
double add_before(Tree& tree, const profiler::FoldedStacks& before, double scale) {
  for (const auto& [stack, count] : before.stacks()) {
    Node* node = &tree.nodes[0];
    for (auto frame : profiler::split_frames(stack)) {
      auto it = node->children.find(frame);
      if (it == node->children.end()) {
        node = nullptr;
        break;
      }
      node = &tree.nodes[it->second];
    }
    if (node != nullptr) node->before_self += static_cast<double>(count) * scale;
  }
  double largest = 0;
  for (const Node& node : tree.nodes) {
    largest = std::max(largest, std::abs(static_cast<double>(node.self) - node.before_self));
  }
  return largest;
}

}  // namespace

std::string flamegraph_svg(const profiler::FoldedStacks& stacks, const FlameOptions& options) {
  Tree tree;
  add_stacks(tree, stacks);
  double max_change = 0;
  if (options.diff_before != nullptr && options.diff_before->total() > 0) {
    const double scale = options.normalise ? static_cast<double>(stacks.total()) /
                                                 static_cast<double>(options.diff_before->total())
                                           : 1.0;
    max_change = add_before(tree, *options.diff_before, scale);
  }
  if (tree.nodes[0].total == 0) tree.nodes[0].total = 1;  // an empty profile draws an empty "all" bar
  return Renderer(options, tree, max_change).render();
}

}  // namespace velo::exporter
