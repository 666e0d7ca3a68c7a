// See sqlite_schema.h.

#include "sluice/common/sqlite_schema.h"

namespace sluice::common::sqlite {

int64_t schema_version(Connection& db) {
  Statement s(db.get(), "PRAGMA user_version");
  int64_t version = 0;
  if (s.step()) {
    version = s.int64(0);
    s.reset();
  }
  return version;
}

std::string upgrade_schema(Connection& db, const std::string& file, std::span<const SchemaStep> steps) {
  const auto latest = static_cast<int64_t>(steps.size());
  int64_t version = 0;
  try {
    version = schema_version(db);
  } catch (const Error& e) {
    return file + " cannot be read (" + e.what() + ")";
  }
  if (version > latest) {
    return file + " was written by a newer version of sluice (schema version " + std::to_string(version) +
           ", this build reads up to " + std::to_string(latest) + ")";
  }
  if (version < 0) return file + " is damaged (schema version " + std::to_string(version) + ")";
  if (version == latest) return "";
  auto at = static_cast<size_t>(version);
  try {
    db.exec("BEGIN IMMEDIATE");
    for (; at < steps.size(); ++at) db.exec(steps[at].sql);
    db.exec(("PRAGMA user_version = " + std::to_string(latest)).c_str());
    db.exec("COMMIT");
  } catch (const Error& e) {
    if (sqlite3_get_autocommit(db.get()) == 0) {
      try {
        db.exec("ROLLBACK");
      } catch (const Error&) {
      }
    }
    const std::string step = at < steps.size() ? steps[at].description : "the new version number";
    return file + " cannot be upgraded from schema version " + std::to_string(version) + " to " +
           std::to_string(latest) + " (" + step + ": " + e.what() + ")";
  }
  return "";
}

}  // namespace sluice::common::sqlite
