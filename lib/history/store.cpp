#include "history/store.hpp"

#include <cstdlib>

#include "core/text.hpp"
#include "history/postgres_store.hpp"
#include "history/sqlite_store.hpp"

namespace velo::history {

std::string default_db_path() {
  const char* env = std::getenv("VELO_HISTORY_DB");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("velo-history.db");
}

std::string canonical_json(const report::Report& report) { return report::to_json_text(report); }

Expected<std::unique_ptr<Store>> open_store(const std::string& location, OpenMode mode) {
  if (is_postgres_url(location)) {
    (void)mode;  // a server database exists or not; the schema is created on first use either way
    return open_postgres_store(location);
  }
  if (location.empty()) return make_error("--db: expected a file path, got an empty string");
  auto store = open_sqlite_store(location, mode);
  if (!store.ok()) return store.error();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace velo::history
