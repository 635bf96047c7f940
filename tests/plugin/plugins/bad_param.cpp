// A counter whose parameter's default lies outside its own range: refused.
#include <velo/plugin.h>

namespace {
void* create(const velo_counter_config*, const velo_params*, char*, size_t) { return nullptr; }
void add(void*, int, int64_t) {}
uint64_t read(void*) { return 0; }
void destroy(void*) {}
const velo_counter_ops ops = {create, add, nullptr, read, destroy};
const velo_param_decl params[] = {{"batch", VELO_PARAM_INTEGER, "5000", "increments per flush", nullptr, 1, 1, 1, 64}};
const velo_impl impls[] = {{VELO_KIND_COUNTER, "bad_counter", "a bad declaration", params, 1, 0, nullptr, nullptr,
                            nullptr, &ops, nullptr}};
}  // namespace

extern "C" VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void) {
  static const velo_plugin table = {VELO_PLUGIN_ABI_VERSION, "badparam", "1.0", impls, 1};
  return &table;
}
