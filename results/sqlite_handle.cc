#include "results/sqlite_handle.h"

#include <utility>

namespace gauntlet::results {

namespace {
// Long enough to ride out a report reading while a run commits a batch.
constexpr int kBusyTimeoutMs = 10000;
}  // namespace

Statement::Statement(Statement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)) {}

Statement::~Statement() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Statement& Statement::BindInt(int index, std::int64_t value) {
  GAUNTLET_CHECK(sqlite3_bind_int64(statement_, index, value) == SQLITE_OK, Fail().message);
  return *this;
}

Statement& Statement::BindReal(int index, double value) {
  GAUNTLET_CHECK(sqlite3_bind_double(statement_, index, value) == SQLITE_OK, Fail().message);
  return *this;
}

Statement& Statement::BindText(int index, const std::string& value) {
  GAUNTLET_CHECK(sqlite3_bind_text(statement_, index, value.data(),
                                   static_cast<int>(value.size()), SQLITE_TRANSIENT) == SQLITE_OK,
                 Fail().message);
  return *this;
}

Statement& Statement::BindBlob(int index, const void* data, int bytes) {
  GAUNTLET_CHECK(sqlite3_bind_blob(statement_, index, data, bytes, SQLITE_TRANSIENT) == SQLITE_OK,
                 Fail().message);
  return *this;
}

std::vector<unsigned char> Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(statement_, column));
  const int bytes = sqlite3_column_bytes(statement_, column);
  return data == nullptr ? std::vector<unsigned char>() : std::vector<unsigned char>(data, data + bytes);
}

Statement& Statement::BindNull(int index) {
  GAUNTLET_CHECK(sqlite3_bind_null(statement_, index) == SQLITE_OK, Fail().message);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail();
}

Status Statement::Run() {
  Result<bool> row = Step();
  while (row.ok() && row.value()) row = Step();
  if (!row.ok()) return row.error();
  return Status::Ok();
}

bool Statement::ViolatedUniqueConstraint() const {
  int code = sqlite3_extended_errcode(sqlite3_db_handle(statement_));
  return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY;
}

std::int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::ColumnReal(int column) const { return sqlite3_column_double(statement_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Error Statement::Fail() const {
  sqlite3* connection = sqlite3_db_handle(statement_);
  return Error{std::string(sqlite3_db_filename(connection, "main")) + ": " +
               sqlite3_errmsg(connection)};
}

Result<Database> Database::Open(const std::string& path, Access access) {
  int flags = access == Access::kReadWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                           : SQLITE_OPEN_READONLY;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands out a connection even on failure; it must be closed.
  Database db(path, ConnectionPtr(raw));
  if (rc != SQLITE_OK) return db.Fail("cannot open the results database");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  if (Status s = db.Execute("PRAGMA foreign_keys = ON"); !s.ok()) return Error{s.message()};
  if (access == Access::kReadOnly) return db;

  Result<Statement> journal = db.Prepare("PRAGMA journal_mode = WAL");
  if (!journal.ok()) return journal.error();
  Result<bool> row = journal.value().Step();
  if (!row.ok()) return row.error();
  // SQLite answers with the mode it ended up in; it keeps the old one where
  // WAL is impossible (e.g. a filesystem without shared memory).
  if (!row.value() || journal.value().ColumnText(0) != "wal") {
    return Error{path + ": cannot switch the results database to WAL mode; "
                        "put it on a local filesystem"};
  }
  if (Status s = db.Execute("PRAGMA synchronous = NORMAL"); !s.ok()) return Error{s.message()};
  return db;
}

Status Database::Execute(const std::string& sql) const {
  if (sqlite3_exec(connection_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Fail("'" + sql + "' failed");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(const std::string& sql) const {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(connection_.get(), sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
      return Fail("cannot prepare '" + sql + "'");
    }
    it = statements_.emplace(sql, StatementPtr(raw)).first;
  }
  return Statement(it->second.get());
}

std::int64_t Database::LastInsertId() const {
  return sqlite3_last_insert_rowid(connection_.get());
}

Error Database::Fail(const std::string& what) const {
  return Error{path_ + ": " + what + ": " + sqlite3_errmsg(connection_.get())};
}

Result<Transaction> Transaction::Begin(const Database& db) {
  if (Status s = db.Execute("BEGIN IMMEDIATE"); !s.ok()) return Error{s.message()};
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // A failed rollback leaves nothing to do: SQLite rolls back on close.
  if (db_ != nullptr) (void)db_->Execute("ROLLBACK");
}

Status Transaction::Commit() {
  Status s = db_->Execute("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace gauntlet::results
