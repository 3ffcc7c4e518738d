// RAII over the SQLite C API: a connection with a cache of prepared
// statements, a borrowed statement that resets itself, and a write transaction
// that rolls back unless committed. Nothing here knows the gauntlet schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::results {

struct ConnectionCloser {
  void operator()(sqlite3* connection) const { sqlite3_close(connection); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// A cached prepared statement lent out by Database::Prepare. Move-only; on
// destruction it is reset and its bindings cleared, so a SELECT read only
// partway does not pin a read snapshot (which would stall WAL checkpoints).
// Bind and column indices follow SQLite: binds from 1, columns from 0.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // A failed bind is a wrong index or type in our own SQL: a bug, so checked.
  Statement& BindInt(int index, std::int64_t value);
  Statement& BindReal(int index, double value);
  Statement& BindText(int index, const std::string& value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, const void* data, int bytes);

  // True while a row is available; an error names the database file.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Whether the last Step/Run failed on a UNIQUE or PRIMARY KEY constraint.
  bool ViolatedUniqueConstraint() const;

  std::int64_t ColumnInt(int column) const;
  double ColumnReal(int column) const;
  std::string ColumnText(int column) const;  // "" for NULL
  bool ColumnIsNull(int column) const;
  std::vector<unsigned char> ColumnBlob(int column) const;  // empty for NULL

 private:
  Error Fail() const;

  sqlite3_stmt* statement_;  // owned by the Database's cache, not by us
};

// One connection. Move-only. Statements from Prepare must not outlive it.
// Not thread-safe: use one Database per thread.
class Database {
 public:
  enum class Access { kReadWrite, kReadOnly };

  // Read-write opens create the file and switch it to WAL with
  // synchronous=NORMAL: a crash can then lose the last transactions but never
  // corrupt the file, and readers (reports) never block the writer.
  static Result<Database> Open(const std::string& path, Access access);

  const std::string& path() const { return path_; }
  // Runs SQL without results (pragmas, DDL, transaction control).
  Status Execute(const std::string& sql) const;
  // Prepares `sql` once per connection and lends it out. Do not hold two
  // Statements for the same SQL text at once: they would be the same one.
  Result<Statement> Prepare(const std::string& sql) const;
  std::int64_t LastInsertId() const;
  // "<path>: <what>: <SQLite's message>".
  Error Fail(const std::string& what) const;

 private:
  Database(std::string path, ConnectionPtr connection)
      : path_(std::move(path)), connection_(std::move(connection)) {}

  std::string path_;
  ConnectionPtr connection_;
  // Logically const: a cache. Declared after connection_ so the statements
  // are finalized before the connection closes.
  mutable std::map<std::string, StatementPtr> statements_;
};

// BEGIN IMMEDIATE ... COMMIT. IMMEDIATE takes the write lock up front: a
// deferred transaction that reads and then writes can fail with SQLITE_BUSY
// at once, without waiting out busy_timeout. Rolls back on destruction unless
// committed, so an early error return undoes the whole batch.
class Transaction {
 public:
  static Result<Transaction> Begin(const Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(const Database* db) : db_(db) {}

  const Database* db_;  // null once committed or moved from
};

}  // namespace gauntlet::results
