// The frame every HTML report shares (lib/export/html/page.html): styles, the data
// element, Chart.js and velo's page scripts, all inlined. Internal to export/.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "families/family.hpp"

namespace velo::exporter::html {

// kind: "run", "compare", "gate" or "history" (which page script draws the data).
std::string page(std::string_view kind, const std::string& title, const nlohmann::json& data);

// JSON text that is safe inside a <script> element: every '<' is written as \u003c,
// so neither "</script>" nor "<!--" can appear, and JSON.parse reads it back unchanged.
std::string script_safe_json(const nlohmann::json& data);
// Text safe in HTML content and attribute values.
std::string escape_html(std::string_view text);

// What the page needs to know about the families its cases come from: headline
// metrics and parameter types (bytes, integers) for axes and labels.
nlohmann::json families_json(const Registry* families);

}  // namespace velo::exporter::html
