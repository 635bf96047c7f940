// velo/plugin.hpp: an ordinary C++ class becomes a velo plugin implementation
// with one function call. Header-only, C++17, on top of velo/plugin.h (the ABI):
// the adapters below are the C function pointers, so the plugin's C++ types,
// allocator and exceptions never cross into velo.
//
//   struct MyQueue {                       // the channel contract (docs/plugins.md)
//     MyQueue(const velo_channel_config&, const velo::plugin::Params&);
//     void push(int sender, const void* message);         // blocking
//     bool try_pop(int receiver, void* out);              // non-blocking
//     void pop(int receiver, void* out);                  // optional: blocking
//     bool try_push(int sender, const void* message);     // optional: false if full (checked)
//     void close();                                       // optional: once, before destruction
//   };
//   VELO_PLUGIN("myqueues", "1.2.0",
//               velo::plugin::channel<MyQueue>("myqueue", "a two-lock queue",
//                                              VELO_CAP_MULTI_PRODUCER | VELO_CAP_FIFO_PER_PRODUCER))
//
// Other kinds (each a class with these members; `thread` is the caller's id):
//   pool:     Pool(const velo_pool_config&, const Params&); void* get(int); void put(int, void*);
//             optional: std::int64_t fresh_allocations() const
//   map:      Map(const velo_map_config&, const Params&);
//             bool find(int, std::uint64_t key, std::string& out);
//             bool insert_or_assign(int, std::uint64_t key, std::string_view value);
//             bool erase(int, std::uint64_t key);  std::size_t size() const;
//             and/or the same three with std::string_view keys (string keys)
//   counter:  Counter(const velo_counter_config&, const Params&); void add(int, std::int64_t n);
//             std::uint64_t read() const; optional: void flush(int)
//   function: Bench(const velo_function_config&, const Params&); void run(std::int64_t iterations, int thread);
//             optional: std::string verify()  (empty = the work was right)
// A constructor that throws fails the case with the exception's message; an
// exception escaping any other member terminates the worker process (the case
// fails with SIGABRT and the message on stderr), so only that case is lost.
#ifndef VELO_PLUGIN_HPP
#define VELO_PLUGIN_HPP

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "velo/plugin.h"

namespace velo::plugin {

// Read access to a case's parameters (a view of velo_params).
class Params {
 public:
  explicit Params(const velo_params* params) : params_(params) {}
  std::int64_t integer(const char* name, std::int64_t fallback = 0) const {
    return velo_param_int(params_, name, fallback);
  }
  double number(const char* name, double fallback = 0) const { return velo_param_number(params_, name, fallback); }
  bool boolean(const char* name, bool fallback = false) const {
    return velo_param_int(params_, name, fallback ? 1 : 0) != 0;
  }
  std::string text(const char* name, const char* fallback = "") const {
    return velo_param_text(params_, name, fallback);
  }
  const velo_params* raw() const { return params_; }

 private:
  const velo_params* params_;
};

// Parameter declarations, for the `params` array of an implementation.
inline velo_param_decl integer_param(const char* name, const char* default_value, const char* doc,
                                     double min, double max) {
  return {name, VELO_PARAM_INTEGER, default_value, doc, nullptr, 1, 1, min, max};
}
inline velo_param_decl number_param(const char* name, const char* default_value, const char* doc, double min,
                                    double max) {
  return {name, VELO_PARAM_NUMBER, default_value, doc, nullptr, 1, 1, min, max};
}
inline velo_param_decl boolean_param(const char* name, const char* default_value, const char* doc) {
  return {name, VELO_PARAM_BOOLEAN, default_value, doc, nullptr, 0, 0, 0, 0};
}
inline velo_param_decl choice_param(const char* name, const char* default_value, const char* choices,
                                    const char* doc) {
  return {name, VELO_PARAM_CHOICE, default_value, doc, choices, 0, 0, 0, 0};
}

namespace detail {

inline void report(char* error, std::size_t size, const char* what) {
  if (error && size > 0) std::snprintf(error, size, "%s", what);
}

// Builds T(config, params), turning an exception into an error message.
template <typename T, typename Config>
void* create(const Config* config, const velo_params* params, char* error, std::size_t size) {
  try {
    return new T(*config, Params(params));
  } catch (const std::exception& e) {
    report(error, size, e.what());
  } catch (...) {
    report(error, size, "the constructor threw a non-standard exception");
  }
  return nullptr;
}

template <typename T>
void destroy(void* object) {
  delete static_cast<T*>(object);
}

template <typename T, typename = void>
struct has_pop : std::false_type {};
template <typename T>
struct has_pop<T, std::void_t<decltype(std::declval<T&>().pop(0, static_cast<void*>(nullptr)))>> : std::true_type {};

template <typename T, typename = void>
struct has_try_push : std::false_type {};
template <typename T>
struct has_try_push<T, std::void_t<decltype(std::declval<T&>().try_push(0, static_cast<const void*>(nullptr)))>>
    : std::true_type {};

template <typename T, typename = void>
struct has_close : std::false_type {};
template <typename T>
struct has_close<T, std::void_t<decltype(std::declval<T&>().close())>> : std::true_type {};

template <typename T, typename = void>
struct has_fresh : std::false_type {};
template <typename T>
struct has_fresh<T, std::void_t<decltype(std::declval<const T&>().fresh_allocations())>> : std::true_type {};

template <typename T, typename = void>
struct has_flush : std::false_type {};
template <typename T>
struct has_flush<T, std::void_t<decltype(std::declval<T&>().flush(0))>> : std::true_type {};

template <typename T, typename = void>
struct has_verify : std::false_type {};
template <typename T>
struct has_verify<T, std::void_t<decltype(std::declval<T&>().verify())>> : std::true_type {};

template <typename T, typename = void>
struct has_u64_keys : std::false_type {};
template <typename T>
struct has_u64_keys<T, std::void_t<decltype(std::declval<T&>().erase(0, std::uint64_t{}))>> : std::true_type {};

template <typename T, typename = void>
struct has_string_keys : std::false_type {};
template <typename T>
struct has_string_keys<T, std::void_t<decltype(std::declval<T&>().erase(0, std::string_view{}))>>
    : std::true_type {};

// ---- channel
template <typename Q>
void channel_send(void* q, int sender, const void* message) {
  static_cast<Q*>(q)->push(sender, message);
}
template <typename Q>
int channel_try_recv(void* q, int receiver, void* out) {
  return static_cast<Q*>(q)->try_pop(receiver, out) ? 1 : 0;
}
template <typename Q>
void channel_recv(void* q, int receiver, void* out) {
  if constexpr (has_pop<Q>::value) {
    static_cast<Q*>(q)->pop(receiver, out);
  } else {
    while (!static_cast<Q*>(q)->try_pop(receiver, out)) std::this_thread::yield();
  }
}
template <typename Q>
int channel_try_send(void* q, int sender, const void* message) {
  return static_cast<Q*>(q)->try_push(sender, message) ? 1 : 0;
}
template <typename Q>
void channel_close(void* q) {
  static_cast<Q*>(q)->close();
}
template <typename Q>
constexpr int (*channel_try_send_of())(void*, int, const void*) {
  if constexpr (has_try_push<Q>::value) {
    return &channel_try_send<Q>;
  } else {
    return nullptr;
  }
}
template <typename Q>
constexpr void (*channel_close_of())(void*) {
  if constexpr (has_close<Q>::value) {
    return &channel_close<Q>;
  } else {
    return nullptr;
  }
}
template <typename Q>
inline const velo_channel_ops channel_ops = {
    &create<Q, velo_channel_config>, &channel_send<Q>, channel_try_send_of<Q>(),
    &channel_recv<Q>, &channel_try_recv<Q>, channel_close_of<Q>(), &destroy<Q>};

// ---- pool
template <typename P>
void* pool_get(void* p, int thread) {
  return static_cast<P*>(p)->get(thread);
}
template <typename P>
void pool_put(void* p, int thread, void* object) {
  static_cast<P*>(p)->put(thread, object);
}
template <typename P>
std::int64_t pool_fresh(void* p) {
  return static_cast<std::int64_t>(static_cast<const P*>(p)->fresh_allocations());
}
template <typename P>
constexpr auto pool_fresh_fn() {
  if constexpr (has_fresh<P>::value) {
    return &pool_fresh<P>;
  } else {
    return static_cast<std::int64_t (*)(void*)>(nullptr);
  }
}
template <typename P>
inline const velo_pool_ops pool_ops = {&create<P, velo_pool_config>, &pool_get<P>, &pool_put<P>,
                                       pool_fresh_fn<P>(), &destroy<P>};

// ---- map
inline bool copy_out(const std::string& value, velo_value_out* out) {
  out->length = value.size();
  std::memcpy(out->data, value.data(), value.size() < out->capacity ? value.size() : out->capacity);
  return true;
}
template <typename M>
int map_find_u64(void* m, int thread, std::uint64_t key, velo_value_out* out) {
  thread_local std::string value;
  if (!static_cast<M*>(m)->find(thread, key, value)) return 0;
  return copy_out(value, out) ? 1 : 0;
}
template <typename M>
int map_insert_u64(void* m, int thread, std::uint64_t key, const void* value, std::size_t length) {
  return static_cast<M*>(m)->insert_or_assign(thread, key, std::string_view(static_cast<const char*>(value), length))
             ? 1 : 0;
}
template <typename M>
int map_erase_u64(void* m, int thread, std::uint64_t key) {
  return static_cast<M*>(m)->erase(thread, key) ? 1 : 0;
}
template <typename M>
int map_find_str(void* m, int thread, const char* key, std::size_t key_length, velo_value_out* out) {
  thread_local std::string value;
  if (!static_cast<M*>(m)->find(thread, std::string_view(key, key_length), value)) return 0;
  return copy_out(value, out) ? 1 : 0;
}
template <typename M>
int map_insert_str(void* m, int thread, const char* key, std::size_t key_length, const void* value,
                   std::size_t length) {
  return static_cast<M*>(m)->insert_or_assign(thread, std::string_view(key, key_length),
                                              std::string_view(static_cast<const char*>(value), length))
             ? 1 : 0;
}
template <typename M>
int map_erase_str(void* m, int thread, const char* key, std::size_t key_length) {
  return static_cast<M*>(m)->erase(thread, std::string_view(key, key_length)) ? 1 : 0;
}
template <typename M>
std::size_t map_size(void* m) {
  return static_cast<const M*>(m)->size();
}
template <typename M>
velo_map_ops make_map_ops() {
  velo_map_ops ops{};
  ops.create = &create<M, velo_map_config>;
  if constexpr (has_u64_keys<M>::value) {
    ops.find_u64 = &map_find_u64<M>;
    ops.insert_or_assign_u64 = &map_insert_u64<M>;
    ops.erase_u64 = &map_erase_u64<M>;
  }
  if constexpr (has_string_keys<M>::value) {
    ops.find_str = &map_find_str<M>;
    ops.insert_or_assign_str = &map_insert_str<M>;
    ops.erase_str = &map_erase_str<M>;
  }
  ops.size = &map_size<M>;
  ops.destroy = &destroy<M>;
  return ops;
}
template <typename M>
inline const velo_map_ops map_ops = make_map_ops<M>();

// ---- counter
template <typename C>
void counter_add(void* c, int thread, std::int64_t n) {
  static_cast<C*>(c)->add(thread, n);
}
template <typename C>
void counter_flush(void* c, int thread) {
  static_cast<C*>(c)->flush(thread);
}
template <typename C>
std::uint64_t counter_read(void* c) {
  return static_cast<std::uint64_t>(static_cast<const C*>(c)->read());
}
template <typename C>
constexpr auto counter_flush_fn() {
  if constexpr (has_flush<C>::value) {
    return &counter_flush<C>;
  } else {
    return static_cast<void (*)(void*, int)>(nullptr);
  }
}
template <typename C>
inline const velo_counter_ops counter_ops = {&create<C, velo_counter_config>, &counter_add<C>,
                                             counter_flush_fn<C>(), &counter_read<C>, &destroy<C>};

// ---- function
template <typename F>
int function_run(void* f, std::int64_t iterations, int thread) {
  static_cast<F*>(f)->run(iterations, thread);
  return 0;
}
template <typename F>
int function_verify(void* f, char* message, std::size_t size) {
  const std::string problem = static_cast<F*>(f)->verify();
  if (problem.empty()) return 0;
  report(message, size, problem.c_str());
  return 1;
}
template <typename F>
constexpr auto function_verify_fn() {
  if constexpr (has_verify<F>::value) {
    return &function_verify<F>;
  } else {
    return static_cast<int (*)(void*, char*, std::size_t)>(nullptr);
  }
}
template <typename F>
inline const velo_function_ops function_ops = {&create<F, velo_function_config>, &function_run<F>,
                                               function_verify_fn<F>(), &destroy<F>};

template <std::size_t N>
constexpr std::size_t count(const velo_param_decl (&)[N]) { return N; }

}  // namespace detail

// One implementation each. `params` (optional) is a static array of declarations.
template <typename Q>
velo_impl channel(const char* name, const char* doc, std::uint32_t capabilities,
                  const velo_param_decl* params = nullptr, std::size_t param_count = 0) {
  return {VELO_KIND_CHANNEL, name, doc, params, param_count, capabilities, &detail::channel_ops<Q>,
          nullptr, nullptr, nullptr, nullptr};
}
template <typename P>
velo_impl pool(const char* name, const char* doc, const velo_param_decl* params = nullptr,
               std::size_t param_count = 0) {
  return {VELO_KIND_POOL, name, doc, params, param_count, 0, nullptr, &detail::pool_ops<P>, nullptr, nullptr,
          nullptr};
}
template <typename M>
velo_impl map(const char* name, const char* doc, const velo_param_decl* params = nullptr,
              std::size_t param_count = 0) {
  const std::uint32_t keys = (detail::has_u64_keys<M>::value ? VELO_CAP_U64_KEYS : 0u) |
                             (detail::has_string_keys<M>::value ? VELO_CAP_STRING_KEYS : 0u);
  return {VELO_KIND_MAP, name, doc, params, param_count, keys, nullptr, nullptr, &detail::map_ops<M>, nullptr,
          nullptr};
}
template <typename C>
velo_impl counter(const char* name, const char* doc, const velo_param_decl* params = nullptr,
                  std::size_t param_count = 0) {
  return {VELO_KIND_COUNTER, name, doc, params, param_count, 0, nullptr, nullptr, nullptr,
          &detail::counter_ops<C>, nullptr};
}
template <typename F>
velo_impl function(const char* name, const char* doc, const velo_param_decl* params = nullptr,
                   std::size_t param_count = 0) {
  return {VELO_KIND_FUNCTION, name, doc, params, param_count, 0, nullptr, nullptr, nullptr, nullptr,
          &detail::function_ops<F>};
}

}  // namespace velo::plugin

// Defines the entry symbol: VELO_PLUGIN("name", "version", impl, impl, ...).
#define VELO_PLUGIN(plugin_name, plugin_version, ...)                                               \
  extern "C" VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void) {                        \
    static const velo_impl velo_plugin_impls_[] = {__VA_ARGS__};                                    \
    static const velo_plugin velo_plugin_table_ = {VELO_PLUGIN_ABI_VERSION, plugin_name,            \
                                                   plugin_version, velo_plugin_impls_,              \
                                                   sizeof velo_plugin_impls_ / sizeof(velo_impl)};  \
    return &velo_plugin_table_;                                                                     \
  }

#endif  // VELO_PLUGIN_HPP
