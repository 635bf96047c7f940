/* velo/plugin.h: the plugin ABI. Plain C (C99), so any compiler and any C++
 * standard library can build a plugin; velo only ever calls through the function
 * pointers below and never shares a C++ type, an allocator or an exception with
 * the plugin.
 *
 * A plugin is a shared object exporting one symbol, VELO_PLUGIN_ENTRY_SYMBOL
 * ("velo_plugin_entry"), a function returning a descriptor table: the ABI version
 * the plugin was built against, its name and version, and its implementations.
 * Each implementation has a kind (channel, pool, map, counter, function), a name
 * (the `impl` a scenario names), its own declared parameters, capabilities and the
 * function pointers of its kind. velo maps each kind onto the family of the same
 * workload (channel, pool, map, counters) so the family's workloads, parameters
 * and correctness checks apply unchanged; `function` is the catch-all.
 *
 * Stability promise: the first member of velo_plugin is always the uint32_t
 * abi_version, whatever else changes, so velo can refuse a plugin built against
 * another ABI before reading anything else. Any change to a struct below bumps
 * VELO_PLUGIN_ABI_VERSION. The contracts each kind must keep are in
 * docs/plugins.md.
 */
#ifndef VELO_PLUGIN_H
#define VELO_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VELO_PLUGIN_ABI_VERSION 1u
#define VELO_PLUGIN_ENTRY_SYMBOL "velo_plugin_entry"

#if defined(__GNUC__)
#define VELO_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define VELO_PLUGIN_EXPORT
#endif

typedef enum velo_kind {
  VELO_KIND_CHANNEL = 1,  /* family `channel` */
  VELO_KIND_POOL = 2,     /* family `pool` */
  VELO_KIND_MAP = 3,      /* family `map` */
  VELO_KIND_COUNTER = 4,  /* family `counters` */
  VELO_KIND_FUNCTION = 5  /* family `function` (plugins only) */
} velo_kind;

/* ---- parameters ---------------------------------------------------------- */

typedef enum velo_param_type {
  VELO_PARAM_INTEGER = 1, /* int64; optional [min, max] */
  VELO_PARAM_NUMBER = 2,  /* double; optional [min, max] */
  VELO_PARAM_BOOLEAN = 3,
  VELO_PARAM_CHOICE = 4,  /* one of `choices`, written "a|b|c" */
  VELO_PARAM_BYTES = 5,   /* int64 bytes; "4KiB" accepted in scenarios */
  VELO_PARAM_TEXT = 6     /* any non-empty string */
} velo_param_type;

/* One parameter an implementation takes, besides its family's. velo validates
 * the declaration at load time (a bad one refuses the plugin with exit 2) and
 * scenario values against it in `velo check`, and shows it in `velo list`. */
typedef struct velo_param_decl {
  const char* name;          /* [a-z0-9_]+, not a family parameter's name */
  int type;                  /* velo_param_type */
  const char* default_value; /* as text: "64", "0.5", "true", "4KiB", "park" */
  const char* doc;           /* one line */
  const char* choices;       /* VELO_PARAM_CHOICE: "spin|yield|park"; else NULL */
  int has_min, has_max;      /* nonzero: min / max apply (inclusive) */
  double min, max;
} velo_param_decl;

/* A parameter's value in a case: every parameter the implementation takes, its
 * family's and its own, defaults filled in. Valid only during the call it is
 * passed to. */
typedef struct velo_param_value {
  const char* name;
  int type;        /* velo_param_type */
  int64_t integer; /* INTEGER, BYTES, BOOLEAN (0/1) */
  double number;   /* NUMBER (and INTEGER, BYTES widened) */
  const char* text;/* CHOICE, TEXT; and the canonical text of any value */
} velo_param_value;

typedef struct velo_params {
  size_t count;
  const velo_param_value* values; /* sorted by name */
} velo_params;

static inline const velo_param_value* velo_param_find(const velo_params* params, const char* name) {
  size_t i;
  for (i = 0; params && i < params->count; ++i) {
    const char* a = params->values[i].name;
    const char* b = name;
    while (*a && *a == *b) { ++a; ++b; }
    if (*a == *b) return &params->values[i];
  }
  return NULL;
}
static inline int64_t velo_param_int(const velo_params* params, const char* name, int64_t fallback) {
  const velo_param_value* v = velo_param_find(params, name);
  return v ? v->integer : fallback;
}
static inline double velo_param_number(const velo_params* params, const char* name, double fallback) {
  const velo_param_value* v = velo_param_find(params, name);
  return v ? v->number : fallback;
}
static inline const char* velo_param_text(const velo_params* params, const char* name, const char* fallback) {
  const velo_param_value* v = velo_param_find(params, name);
  return v ? v->text : fallback;
}

/* Every create/setup function may write why it failed into error (at most
 * error_size bytes, NUL-terminated) and return NULL: the case then fails with
 * that message. */

/* ---- channel ------------------------------------------------------------- */

/* Capabilities: what the channel promises. A case that needs a missing one is
 * skipped with the reason, as a built-in variant's would be. */
#define VELO_CAP_CAPACITY_ZERO (1u << 0)      /* capacity 0: an unbuffered rendezvous */
#define VELO_CAP_MULTI_PRODUCER (1u << 1)     /* several threads may send at once */
#define VELO_CAP_MULTI_CONSUMER (1u << 2)     /* several threads may receive at once */
#define VELO_CAP_FIFO_PER_PRODUCER (1u << 3)  /* one producer's messages arrive in order (checked) */
/* map */
#define VELO_CAP_U64_KEYS (1u << 8)
#define VELO_CAP_STRING_KEYS (1u << 9)

typedef struct velo_channel_config {
  int64_t capacity;      /* messages buffered; 0 only with VELO_CAP_CAPACITY_ZERO */
  size_t message_bytes;  /* every message is exactly this long (a power of two, 8..4096) */
  int producers, consumers;
  int senders;           /* sender ids are 0..senders-1 (consumers send stop messages too) */
  int receivers;         /* receiver ids are 0..receivers-1 */
} velo_channel_config;

typedef struct velo_channel_ops {
  void* (*create)(const velo_channel_config* config, const velo_params* params, char* error, size_t error_size);
  /* Blocks until the channel accepted a copy of message_bytes bytes. */
  void (*send)(void* channel, int sender, const void* message);
  /* Optional: 1 if accepted now, 0 if full (holding `capacity` messages; for
   * capacity 0: no receiver waiting). velo checks it once on the fresh channel,
   * before the first repetition and untimed; no workload measures it. */
  int (*try_send)(void* channel, int sender, const void* message);
  /* Blocks until a message was copied into out (message_bytes bytes). */
  void (*recv)(void* channel, int receiver, void* out);
  /* 1 and a message copied into out, or 0 at once if the channel is empty. */
  int (*try_recv)(void* channel, int receiver, void* out);
  /* Optional: called once, after the last repetition, before destroy. */
  void (*close)(void* channel);
  void (*destroy)(void* channel);
} velo_channel_ops;

/* ---- pool ---------------------------------------------------------------- */

typedef struct velo_pool_config {
  size_t object_bytes;  /* every object must hold this many bytes */
  size_t alignment;     /* and be aligned to this (16 on x86-64) */
  int threads;          /* thread ids are 0..threads-1 */
  int64_t live;         /* objects a thread holds at once */
} velo_pool_config;

typedef struct velo_pool_ops {
  void* (*create)(const velo_pool_config* config, const velo_params* params, char* error, size_t error_size);
  /* An object no one else holds; never NULL. */
  void* (*get)(void* pool, int thread);
  /* Gives back an object from get(), possibly from another thread than took it. */
  void (*put)(void* pool, int thread, void* object);
  /* Optional: takes so far not served by reuse (fresh allocations); -1 unknown. */
  int64_t (*fresh_allocations)(void* pool);
  void (*destroy)(void* pool);
} velo_pool_ops;

/* ---- map ----------------------------------------------------------------- */

typedef struct velo_map_config {
  int threads;           /* thread ids are 0..threads-1 */
  size_t expected_keys;  /* the key universe of the case */
  int string_keys;       /* 1: the *_str functions are called, else the *_u64 ones */
} velo_map_config;

/* Where find copies a value: at most capacity bytes into data; length is set to
 * the value's full length (velo calls again with more room if it was larger). */
typedef struct velo_value_out {
  void* data;
  size_t capacity;
  size_t length;
} velo_value_out;

typedef struct velo_map_ops {
  void* (*create)(const velo_map_config* config, const velo_params* params, char* error, size_t error_size);
  /* 1 if found (value copied to out), 0 if absent. */
  int (*find_u64)(void* map, int thread, uint64_t key, velo_value_out* out);
  /* 1 if the key was new, 0 if an existing value was replaced. */
  int (*insert_or_assign_u64)(void* map, int thread, uint64_t key, const void* value, size_t value_length);
  /* 1 if the key was present and is now gone, 0 if it was absent. */
  int (*erase_u64)(void* map, int thread, uint64_t key);
  int (*find_str)(void* map, int thread, const char* key, size_t key_length, velo_value_out* out);
  int (*insert_or_assign_str)(void* map, int thread, const char* key, size_t key_length, const void* value,
                              size_t value_length);
  int (*erase_str)(void* map, int thread, const char* key, size_t key_length);
  /* Keys held; called only while no other call runs. */
  size_t (*size)(void* map);
  void (*destroy)(void* map);
} velo_map_ops;

/* ---- counter ------------------------------------------------------------- */

typedef struct velo_counter_config {
  int threads;  /* thread ids are 0..threads-1 */
} velo_counter_config;

typedef struct velo_counter_ops {
  void* (*create)(const velo_counter_config* config, const velo_params* params, char* error, size_t error_size);
  /* Adds n (velo calls it with n = 1, once per increment). */
  void (*add)(void* counter, int thread, int64_t n);
  /* Optional: the end of a thread's share (a batching counter publishes here). */
  void (*flush)(void* counter, int thread);
  /* The total; called only after every thread has finished. */
  uint64_t (*read)(void* counter);
  void (*destroy)(void* counter);
} velo_counter_ops;

/* ---- function: anything else --------------------------------------------- */

typedef struct velo_function_config {
  int threads;  /* run() is called on this many threads at once, ids 0..threads-1 */
} velo_function_config;

typedef struct velo_function_ops {
  /* Outside timing. Returns the state every other call receives (NULL = failed). */
  void* (*setup)(const velo_function_config* config, const velo_params* params, char* error, size_t error_size);
  /* Timed: performs `iterations` operations on thread `thread`. 0 = ok, else the
   * case fails (write the reason with verify). */
  int (*run)(void* state, int64_t iterations, int thread);
  /* Optional, outside timing, after every repetition: 0 = the work was right,
   * else the case fails with the message written into message. */
  int (*verify)(void* state, char* message, size_t message_size);
  void (*teardown)(void* state);
} velo_function_ops;

/* ---- the descriptor table ------------------------------------------------ */

typedef struct velo_impl {
  int kind;                       /* velo_kind */
  const char* name;               /* [A-Za-z0-9_]+, unique in its family */
  const char* doc;                /* one line: what design it implements */
  const velo_param_decl* params;  /* param_count entries (or NULL when 0) */
  size_t param_count;
  uint32_t capabilities;          /* VELO_CAP_* */
  /* Exactly the one of the implementation's kind is set. */
  const velo_channel_ops* channel;
  const velo_pool_ops* pool;
  const velo_map_ops* map;
  const velo_counter_ops* counter;
  const velo_function_ops* function;
} velo_impl;

typedef struct velo_plugin {
  uint32_t abi_version;  /* VELO_PLUGIN_ABI_VERSION: always the first member */
  const char* name;      /* the plugin's name */
  const char* version;   /* its declared version, recorded in reports */
  const velo_impl* impls;
  size_t impl_count;
} velo_plugin;

/* The one symbol a plugin exports. */
typedef const velo_plugin* (*velo_plugin_entry_fn)(void);
VELO_PLUGIN_EXPORT const velo_plugin* velo_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* VELO_PLUGIN_H */
