#pragma once
// The store marker: a small file beside the database (sluice.state) that says a store lives in
// this directory, which session last opened it and whether that session closed it.
//
// SQLite cannot tell on its own that files went missing. A database file deleted or truncated to
// nothing opens as a new, empty database; a write-ahead log deleted after a crash takes every
// change not yet checkpointed with it, silently. The marker is what makes both visible: a marker
// beside an empty database, or a marker saying "open" (the last session crashed, so its changes may
// still be in the WAL only) beside a missing WAL, means data was lost, and the store refuses to
// start instead of serving an empty or partial state.
//
// Sessions: each open increments a counter kept both in the database (sluice_meta "session",
// committed before the marker is written) and in the marker. A database whose counter is behind the
// marker's is older than the store last used: a restored copy, or one that lost its WAL.

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::sqs::detail {

inline constexpr const char* kMarkerFileName = "sluice.state";

struct StoreMarker {
  int64_t session = 0;
  bool open = false;  // true from the session's start until it closed the store cleanly
};

// nullopt + empty *error when the file does not exist; nullopt + *error when it cannot be read or
// is not a marker.
std::optional<StoreMarker> read_store_marker(const std::string& path, std::string* error);
// Replaces the marker atomically and durably (temporary file, fsync, rename, fsync of the
// directory). False + *error on failure.
bool write_store_marker(const std::string& path, const StoreMarker& marker, std::string* error);

}  // namespace sluice::sqs::detail
