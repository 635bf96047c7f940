// Crashes in a static initialiser, before velo can call anything: the parent's
// probe must refuse it instead of crashing.
#include <csignal>

#include <velo/plugin.h>

namespace {
struct CrashOnLoad {
  CrashOnLoad() { std::raise(SIGSEGV); }
} crash;
}  // namespace

extern "C" VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void) { return nullptr; }
