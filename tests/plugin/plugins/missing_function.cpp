// A channel without try_recv: refused, naming the missing function.
#include <velo/plugin.h>

namespace {
void* create(const velo_channel_config*, const velo_params*, char*, size_t) { return nullptr; }
void send(void*, int, const void*) {}
void recv(void*, int, void*) {}
void destroy(void*) {}
const velo_channel_ops ops = {create, send, nullptr, recv, nullptr, nullptr, destroy};
const velo_impl impls[] = {{VELO_KIND_CHANNEL, "half_queue", "no try_recv", nullptr, 0, 0, &ops, nullptr, nullptr,
                            nullptr, nullptr}};
}  // namespace

extern "C" VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void) {
  static const velo_plugin table = {VELO_PLUGIN_ABI_VERSION, "missing", "1.0", impls, 1};
  return &table;
}
