#pragma once
// Versioned schemas for the SQLite files sluice keeps (the SQS store, the SNS store, the SNS
// delivery journal). A file's schema version is its PRAGMA user_version; its history is a list of
// steps, step i taking a file from version i to version i + 1 (the first creates the schema of a
// new file). Opening a file runs the steps it is missing, and the new user_version, in one
// transaction: a file from any earlier release opens, and a step that fails leaves it exactly as it
// was. A file whose version is above the last step was written by a newer release and is refused.
//
// Adding durable state: append a step (never edit one that has shipped), and refresh the fixture
// data directory of the upgrade test (tests/fixtures/) with the release that wrote the old format.

#include <cstdint>
#include <span>
#include <string>

#include "sluice/common/sqlite.h"

namespace sluice::common::sqlite {

struct SchemaStep {
  const char* description;  // for the error when the step fails
  const char* sql;          // one or more statements
};

// Brings the file open on `db` to version steps.size(). Returns "" when it is there, or a sentence
// naming `file` and the reason (a newer version, a failed step). Must run outside a transaction.
std::string upgrade_schema(Connection& db, const std::string& file, std::span<const SchemaStep> steps);

// The file's PRAGMA user_version.
int64_t schema_version(Connection& db);

}  // namespace sluice::common::sqlite
