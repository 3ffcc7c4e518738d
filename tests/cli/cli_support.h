// Running the real `gauntlet` binary from tests and reading what it stored.
#pragma once

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"
#include "gauntlet_build_paths.h"

namespace gauntlet {

struct Ran {
  int exit_code;
  std::string out, err;
};

inline Ran Gauntlet(const std::string& args) {
  const std::string dir = testing::TempDir("cli");
  const std::string cmd = std::string(GAUNTLET_BINARY) + " " + args + " >" + dir + "/out 2>" + dir + "/err";
  int status = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return {WEXITSTATUS(status), slurp(dir + "/out"), slurp(dir + "/err")};
}

inline std::string Suite() { return testing::SourceDir() + "/suites/libero_spatial.yaml"; }

// (task, init_state) -> (status, steps, state_hash) for one run.
using Rows = std::map<std::pair<std::string, int>, std::tuple<std::string, int, std::string>>;
inline Rows Episodes(const std::string& db, const std::string& run) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT e.task, e.init_state, e.status, e.steps, e.state_hash FROM episodes e "
                     "JOIN runs r ON r.run_id = e.run_id WHERE r.name = ?",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, run.c_str(), -1, SQLITE_TRANSIENT);
  Rows rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto text = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
    rows[{text(0), sqlite3_column_int(st, 1)}] = {text(2), sqlite3_column_int(st, 3), text(4)};
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}


// Every stored action of every episode of `run`, keyed by (task, init_state).
using Actions = std::map<std::pair<std::string, int>, std::vector<double>>;
inline Actions EpisodeActions(const std::string& db, const std::string& run) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT e.task, e.init_state, e.actions FROM episodes e "
                     "JOIN runs r ON r.run_id = e.run_id WHERE r.name = ?",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, run.c_str(), -1, SQLITE_TRANSIENT);
  Actions out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto* blob = static_cast<const double*>(sqlite3_column_blob(st, 2));
    const int n = sqlite3_column_bytes(st, 2) / static_cast<int>(sizeof(double));
    out[{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), sqlite3_column_int(st, 1)}] =
        std::vector<double>(blob, blob + n);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// The first column of the first row of `sql` on `db` as text ("" if none).
inline std::string QueryText(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_text(st, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// Rows of `sql` on `db` as JSON objects, through the sqlite3 shell: for test
// binaries that do not link SQLite (the LibTorch ones).
inline nlohmann::json QueryJson(const std::string& db, const std::string& sql) {
  std::string out;
  if (FILE* pipe = popen(("sqlite3 -json '" + db + "' \"" + sql + "\"").c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    pclose(pipe);
  }
  return out.empty() ? nlohmann::json::array() : nlohmann::json::parse(out);
}

}  // namespace gauntlet
