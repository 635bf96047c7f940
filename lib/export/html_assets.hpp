// The files of lib/export/html/ and Chart.js, compiled into the binary by
// tools/embed_files.py (lib/export/meson.build): page.html, velo.css, common.js,
// run.js, compare.js, history.js and chart.min.js (from Debian's libjs-chart.js).
#pragma once

#include <span>

#include "scenario/embedded_files.hpp"

namespace velo {

std::span<const EmbeddedFile> html_assets();

}  // namespace velo
