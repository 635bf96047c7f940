// Opening a plugin and checking its descriptor table before anything of it is used.
//
// Order of checks (each refuses the plugin with a message naming its path): the
// file is a regular, readable file; dlopen succeeds (RTLD_NOW, so a missing symbol
// the plugin itself needs is found now, not mid-measurement); the entry symbol
// exists; the table's first member, abi_version, equals ours (nothing else is read
// from a table of another version); then every implementation: a known kind, a
// name, exactly the function pointers of its kind, and valid parameter declarations.
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/input_file.hpp"
#include "core/text.hpp"
#include "plugin/declarations.hpp"
#include "plugin/identity.hpp"
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

std::string kind_name(int kind) {
  if (const Kind* known = kind_of(kind)) return known->name;
  return fmt::format("unknown kind {}", kind);
}

// The function pointers velo calls for `impl`'s kind; the first one missing.
std::optional<std::string> missing_function(const velo_impl& impl) {
  struct Need {
    bool present;
    const char* name;
  };
  auto first_missing = [](std::initializer_list<Need> needs) -> std::optional<std::string> {
    for (const Need& need : needs) {
      if (!need.present) return std::string(need.name);
    }
    return std::nullopt;
  };
  switch (impl.kind) {
    case VELO_KIND_CHANNEL: {
      const auto& ops = *impl.channel;
      return first_missing({{ops.create != nullptr, "create"}, {ops.send != nullptr, "send"},
                            {ops.recv != nullptr, "recv"}, {ops.try_recv != nullptr, "try_recv"},
                            {ops.destroy != nullptr, "destroy"}});
    }
    case VELO_KIND_POOL: {
      const auto& ops = *impl.pool;
      return first_missing({{ops.create != nullptr, "create"}, {ops.get != nullptr, "get"},
                            {ops.put != nullptr, "put"}, {ops.destroy != nullptr, "destroy"}});
    }
    case VELO_KIND_MAP: {
      const auto& ops = *impl.map;
      if (auto missing = first_missing({{ops.create != nullptr, "create"}, {ops.size != nullptr, "size"},
                                        {ops.destroy != nullptr, "destroy"}})) {
        return missing;
      }
      const int u64 = (ops.find_u64 != nullptr) + (ops.insert_or_assign_u64 != nullptr) + (ops.erase_u64 != nullptr);
      const int str = (ops.find_str != nullptr) + (ops.insert_or_assign_str != nullptr) + (ops.erase_str != nullptr);
      if (u64 == 0 && str == 0) return std::string("find_u64/insert_or_assign_u64/erase_u64 or the *_str three");
      if (u64 != 0 && u64 != 3) return std::string("one of find_u64, insert_or_assign_u64, erase_u64 (all three or none)");
      if (str != 0 && str != 3) return std::string("one of find_str, insert_or_assign_str, erase_str (all three or none)");
      return std::nullopt;
    }
    case VELO_KIND_COUNTER: {
      const auto& ops = *impl.counter;
      return first_missing({{ops.create != nullptr, "create"}, {ops.add != nullptr, "add"},
                            {ops.read != nullptr, "read"}, {ops.destroy != nullptr, "destroy"}});
    }
    case VELO_KIND_FUNCTION: {
      const auto& ops = *impl.function;
      return first_missing({{ops.setup != nullptr, "setup"}, {ops.run != nullptr, "run"},
                            {ops.teardown != nullptr, "teardown"}});
    }
    default: return std::nullopt;
  }
}

Expected<LoadedImpl> read_impl(const velo_impl& raw, std::size_t index) {
  auto name = bounded_string(raw.name, kMaxNameBytes);
  if (!name || !valid_identifier(*name)) {
    return make_error(fmt::format("implementation #{} needs a name of letters, digits and '_' (at most {} bytes)",
                                  index + 1, kMaxNameBytes));
  }
  auto fail = [&](std::string what) { return make_error(fmt::format("implementation '{}': {}", *name, what)); };
  LoadedImpl impl;
  impl.raw = &raw;
  const Kind* kind = kind_of(raw.kind);
  if (!kind) {
    return fail(fmt::format("unknown kind {} (expected VELO_KIND_CHANNEL, POOL, MAP, COUNTER or FUNCTION)", raw.kind));
  }
  impl.family = kind->family;
  auto doc = bounded_string(raw.doc, kMaxDocBytes);
  if (!doc || doc->find_first_of("\n\r") != std::string::npos) return fail("needs a one-line doc");
  const void* ops[] = {raw.channel, raw.pool, raw.map, raw.counter, raw.function};
  const void* own = ops[raw.kind - 1];
  int set = 0;
  for (const void* pointer : ops) set += pointer != nullptr;
  if (!own) return fail(fmt::format("a {} implementation needs its {} function table", kind_name(raw.kind), kind_name(raw.kind)));
  if (set != 1) return fail(fmt::format("a {} implementation may set only its own function table", kind_name(raw.kind)));
  if (auto missing = missing_function(raw)) {
    return fail(fmt::format("missing function {} (required for a {})", *missing, kind_name(raw.kind)));
  }
  if (raw.param_count > kMaxParams) return fail(fmt::format("declares {} parameters (at most {})", raw.param_count, kMaxParams));
  if (raw.param_count > 0 && !raw.params) return fail("param_count is set but params is NULL");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < raw.param_count; ++i) {
    auto spec = read_declaration(raw.params[i], *name, i);
    if (!spec.ok()) return spec.error();
    if (!seen.insert(spec->name).second) return fail(fmt::format("declares parameter '{}' twice", spec->name));
    impl.params.push_back(std::move(*spec));
  }
  return impl;
}

// A plugin's static initialisers and entry point run when it is loaded. The parent
// (check, list, run before measuring) loads plugins too, so it first loads each one
// in a child process: a plugin that crashes or hangs while loading is refused with
// the reason instead of taking velo down. Workers skip this: there a crash already
// fails only the case.
constexpr unsigned kProbeSeconds = 10;

Status probe_in_child(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid < 0) return {};  // cannot probe: the load below still reports what it can
  if (pid == 0) {
    // The default actions, so a crash ends this child with its signal: a handler the
    // parent installed (a test framework's, velo's own) would report it as the parent's.
    for (int fatal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM}) ::signal(fatal, SIG_DFL);
    sigset_t all;
    ::sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    ::alarm(kProbeSeconds);  // SIGALRM ends a plugin that hangs while loading
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      if (void* symbol = ::dlsym(handle, VELO_PLUGIN_ENTRY_SYMBOL)) {
        (void)reinterpret_cast<velo_plugin_entry_fn>(symbol)();
      }
    }
    ::_exit(0);  // no atexit handlers, no destructors of the parent's objects
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0) return {};
    // A sanitizer's SEGV handler, or the plugin calling exit().
    return make_error(fmt::format("plugin {}: exited with status {} while loading (in its initialisers or {}())",
                                  path, WEXITSTATUS(status), VELO_PLUGIN_ENTRY_SYMBOL));
  }
  const int signal = WTERMSIG(status);
  if (signal == SIGALRM) {
    return make_error(fmt::format("plugin {}: did not finish loading within {} s (its initialisers or {}() hang)",
                                  path, kProbeSeconds, VELO_PLUGIN_ENTRY_SYMBOL));
  }
  const char* name = ::sigabbrev_np(signal);
  return make_error(fmt::format("plugin {}: crashed while loading (SIG{}: {}) in its initialisers or {}()", path,
                                name ? name : "?", ::strsignal(signal), VELO_PLUGIN_ENTRY_SYMBOL));
}

}  // namespace

Expected<std::shared_ptr<const Loaded>> load(const std::string& path) {
  auto refuse = [&](std::string what) { return make_error(fmt::format("plugin {}: {}", path, what)); };
  // Only a regular file (not a FIFO or a device), and its bytes for the report's hash.
  auto bytes = read_input_file(path, "plugin", kMaxDataFileBytes);
  if (!bytes.ok()) return bytes.error();
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::canonical(path, error);
  if (error) return refuse(fmt::format("cannot resolve the path: {}", error.message()));

  if (!std::getenv("VELO_WORKER")) {
    if (auto probed = probe_in_child(absolute.string()); !probed.ok()) return probed.error();
  }
  auto plugin = std::make_shared<Loaded>();
  plugin->identity.path = absolute.string();
  plugin->identity.file_hash = content_hash(*bytes);
  ::dlerror();
  plugin->handle = ::dlopen(plugin->identity.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!plugin->handle) {
    const char* why = ::dlerror();
    return refuse(fmt::format("cannot load it: {}", why ? why : "dlopen failed"));
  }
  // From here on the library stays loaded: its code may be referenced by what we
  // return, and unloading C++ code with thread-local destructors is unsafe.
  void* symbol = ::dlsym(plugin->handle, VELO_PLUGIN_ENTRY_SYMBOL);
  if (!symbol) {
    return refuse(fmt::format("no symbol {}: not a velo plugin (define it with VELO_PLUGIN(...) from velo/plugin.hpp, "
                              "or export it from C as in docs/plugins.md)", VELO_PLUGIN_ENTRY_SYMBOL));
  }
  const auto entry = reinterpret_cast<velo_plugin_entry_fn>(symbol);
  const velo_plugin* table = entry();
  if (!table) return refuse(fmt::format("{}() returned NULL", VELO_PLUGIN_ENTRY_SYMBOL));
  if (table->abi_version != VELO_PLUGIN_ABI_VERSION) {
    return refuse(fmt::format("built against velo plugin ABI version {}, but this velo uses ABI version {}; "
                              "rebuild the plugin against this velo's velo/plugin.h",
                              table->abi_version, VELO_PLUGIN_ABI_VERSION));
  }
  plugin->table = table;
  auto name = bounded_string(table->name, kMaxNameBytes);
  if (!name || !valid_identifier(*name)) return refuse("needs a name of letters, digits and '_' (at most 64 bytes)");
  auto version = bounded_string(table->version, kMaxNameBytes);
  if (!version || version->empty() || forbidden_name_character(*version)) {
    return refuse("needs a version string (at most 64 bytes, no control characters)");
  }
  plugin->identity.name = *name;
  plugin->identity.version = *version;
  plugin->identity.build_id = gnu_build_id(plugin->handle);
  if (table->impl_count == 0 || !table->impls) return refuse("declares no implementations");
  if (table->impl_count > kMaxImpls) {
    return refuse(fmt::format("declares {} implementations (at most {})", table->impl_count, kMaxImpls));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < table->impl_count; ++i) {
    auto impl = read_impl(table->impls[i], i);
    if (!impl.ok()) return refuse(impl.error().message);
    const std::string impl_name = impl->raw->name;
    if (!seen.insert({impl->family, impl_name}).second) {
      return refuse(fmt::format("declares implementation '{}' twice in family '{}'", impl_name, impl->family));
    }
    plugin->impls.push_back(std::move(*impl));
  }
  return std::shared_ptr<const Loaded>(std::move(plugin));
}

const Identity& identity_of(const Loaded& plugin) { return plugin.identity; }

}  // namespace velo::plugin
