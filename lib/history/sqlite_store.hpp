// The embedded history: one SQLite file (https://sqlite.org, Debian libsqlite3-dev).
//
// Schema versions live in the file's PRAGMA user_version. Opening a file applies,
// in order and all in one transaction, every migration above the file's
// version; a file from a newer velo (a version above the newest known) is refused
// rather than guessed at. Migrations run under BEGIN IMMEDIATE and re-read the
// version inside the transaction, so processes opening a new file at the same time
// migrate it once.
//
// Concurrent writers (several CI jobs on one machine): the file uses write-ahead
// logging, every `add` is one IMMEDIATE transaction, and a writer waits up to
// kBusyTimeoutMs for another to finish instead of failing.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "history/store.hpp"

namespace velo::history {

struct Migration {
  int version;            // the schema version after this migration
  std::string_view what;  // one line for the docs and messages
  std::string_view sql;
};

std::span<const Migration> sqlite_migrations();
int latest_sqlite_schema();

inline constexpr int kBusyTimeoutMs = 30000;

// `target_version` below the latest exists for migration tests: it builds an old file.
Expected<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, OpenMode mode,
                                                   int target_version = latest_sqlite_schema());

}  // namespace velo::history
