// Assembling an HTML report from the embedded template (see html_page.hpp).
#include "export/html_page.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/build_info.hpp"
#include "export/html_assets.hpp"

namespace velo::exporter::html {

namespace {

std::string_view asset(std::string_view name) {
  for (const EmbeddedFile& file : html_assets()) {
    if (file.name == name) return file.content;
  }
  // The build embeds every name used here; a missing one is a build error.
  throw std::logic_error(fmt::format("html asset '{}' was not embedded", name));
}

}  // namespace

std::string script_safe_json(const nlohmann::json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (char c : text) {
    // '<' occurs only inside JSON strings, where \u003c means the same character.
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

nlohmann::json families_json(const Registry* families) {
  const Registry& registry = families ? *families : velo::registry();
  nlohmann::json out = nlohmann::json::object();
  for (const Family& family : registry.families()) {
    nlohmann::json params = nlohmann::json::object();
    auto add = [&](const ParamSpec& spec) {
      params[spec.name] = {{"type", std::string(to_string(spec.type))}, {"unit", spec.unit}, {"doc", spec.doc}};
    };
    for (const ParamSpec& spec : family.params) add(spec);
    for (const Implementation& impl : family.impls) {
      for (const ParamSpec& spec : impl.params) add(spec);
    }
    out[family.name] = {{"doc", family.doc}, {"op", family.op}, {"headline", family.headline},
                        {"params", std::move(params)}};
  }
  return out;
}

std::string page(std::string_view kind, const std::string& title, const nlohmann::json& data) {
  const std::string_view script = kind == "run"       ? asset("run.js")
                                  : kind == "history" ? asset("history.js")
                                                      : asset("compare.js");
  const std::string_view tmpl = asset("page.html");
  const std::string generator = fmt::format("velo {} ({})", build::version(), build::commit);
  std::string out;
  out.reserve(tmpl.size() + asset("chart.min.js").size() + 64 * 1024);
  // One pass over the template: inserted text is never scanned for markers.
  constexpr std::string_view open = "{{VELO:";
  std::size_t at = 0;
  while (at < tmpl.size()) {
    const std::size_t marker = tmpl.find(open, at);
    if (marker == std::string_view::npos) {
      out += tmpl.substr(at);
      break;
    }
    out += tmpl.substr(at, marker - at);
    const std::size_t close = tmpl.find("}}", marker);
    if (close == std::string_view::npos) throw std::logic_error("page.html: unterminated {{VELO: marker");
    const std::string_view name = tmpl.substr(marker + open.size(), close - marker - open.size());
    if (name == "TITLE") out += escape_html(title);
    else if (name == "KIND") out += escape_html(kind);
    else if (name == "GENERATOR") out += escape_html(generator);
    else if (name == "STYLE") out += asset("velo.css");
    else if (name == "DATA") out += script_safe_json(data);
    else if (name == "CHARTJS") out += asset("chart.min.js");
    else if (name == "COMMON") out += asset("common.js");
    else if (name == "SCRIPT") out += script;
    else throw std::logic_error(fmt::format("page.html: unknown marker {}", name));
    at = close + 2;
  }
  return out;
}

}  // namespace velo::exporter::html
