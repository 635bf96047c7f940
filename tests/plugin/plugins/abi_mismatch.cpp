// Claims a future ABI version: velo must refuse it naming both versions.
#include <velo/plugin.h>

extern "C" VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void) {
  static const velo_plugin table = {999u, "future", "9.9", nullptr, 0};
  return &table;
}
