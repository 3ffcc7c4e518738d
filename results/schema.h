// The results database schema and its forward migrations. The version lives in
// `PRAGMA user_version`; migration i takes version i to i + 1.
#pragma once

#include "harness/result.h"
#include "results/sqlite_handle.h"

namespace gauntlet::results {

// The version this build writes and reads.
int SchemaVersion();

// Brings `db` to SchemaVersion() in one transaction. Refuses a database
// written by a newer gauntlet rather than guess at its layout.
Status MigrateSchema(const Database& db);

// For read-only connections, which must not migrate: the database must already
// be at SchemaVersion().
Status CheckSchemaCurrent(const Database& db);

}  // namespace gauntlet::results
