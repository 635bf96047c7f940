// The shared history for a CI fleet: the same tables as the SQLite store on a
// PostgreSQL server (Debian libpq-dev), so every runner writes to one history.
// `--db postgresql://user@host/dbname` (any libpq connection URI).
//
// Schema versions live in a one-row table velo_schema; migrations (their own list:
// the SQL dialects differ) run in one transaction under a transaction-level advisory
// lock, so runners connecting to a new database at once migrate it once.
// Concurrent writers: each `add` is one transaction; the report row is inserted with
// ON CONFLICT (content_hash) DO NOTHING, so two runners adding the same report store
// it once and neither fails.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "history/sqlite_store.hpp"
#include "history/store.hpp"

namespace velo::history {

std::span<const Migration> postgres_migrations();

bool is_postgres_url(const std::string& location);

Expected<std::unique_ptr<Store>> open_postgres_store(const std::string& url, int target_version = 2);

}  // namespace velo::history
