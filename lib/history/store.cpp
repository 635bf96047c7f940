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

std::string location_for_display(const std::string& location) {
  if (!is_postgres_url(location)) return location;
  std::string out = location;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  // The user part ends at the last '@' before the path (an unencoded '@' in a
  // password must not leave the rest of it shown).
  const auto scheme = out.find("://");
  const auto slash = out.find('/', scheme + 3);
  const auto at = out.rfind('@', slash == std::string::npos ? std::string::npos : slash);
  if (at != std::string::npos && at > scheme + 3) {
    const auto colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out = out.substr(0, colon + 1) + "***" + out.substr(at);
  }
  // ...?password=secret&sslmode=require -> ...?password=***&sslmode=require
  for (std::size_t from = out.find('?'); from != std::string::npos;) {
    const std::size_t key = from + 1;
    const std::size_t next = out.find('&', key);
    if (out.compare(key, 9, "password=") == 0) {
      const std::size_t value = key + 9;
      out = out.substr(0, value) + "***" + (next == std::string::npos ? "" : out.substr(next));
      from = out.find('&', value);
    } else {
      from = next;
    }
  }
  return out;
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
