// The real `gauntlet` binary run from tests, and its SQLite results read
// back with the sqlite3 shell (remote_tests does not link SQLite).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"
#include "gauntlet_build_paths.h"

namespace gauntlet::testing {

struct Ran {
  int exit_code;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every run is bounded: a hang fails the test instead of stalling the suite.
inline Ran Gauntlet(const std::string& args) {
  const std::string dir = TempDir("remote-cli");
  const std::string cmd = "cd " + SourceDir() + " && timeout -k 5 120 " + GAUNTLET_BINARY + " " + args +
                          " >" + dir + "/out 2>" + dir + "/err";
  const int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), Slurp(dir + "/out"), Slurp(dir + "/err")};
}

// Rows of a query, columns as text (sqlite3 -ascii: 0x1f between columns,
// 0x1e after rows).
inline std::vector<std::vector<std::string>> Query(const std::string& db, const std::string& sql) {
  const std::string dir = TempDir("remote-sql");
  std::ofstream(dir + "/q.sql") << sql << ";\n";
  const std::string cmd = "timeout 30 sqlite3 -batch -ascii " + db + " <" + dir + "/q.sql >" + dir + "/out 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << Slurp(dir + "/out");
  std::vector<std::vector<std::string>> rows;
  std::stringstream all(Slurp(dir + "/out"));
  for (std::string row; std::getline(all, row, '\x1e');) {
    std::vector<std::string> columns;
    std::stringstream cells(row);
    for (std::string cell; std::getline(cells, cell, '\x1f');) columns.push_back(cell);
    rows.push_back(columns);
  }
  return rows;
}

struct EpisodeRow {
  std::string status, termination, state_hash, actions;  // actions: hex of the float64 blob
  int steps = 0;
};

// init_state -> row, for one run.
inline std::map<int, EpisodeRow> Episodes(const std::string& db, const std::string& run) {
  std::map<int, EpisodeRow> rows;
  for (const auto& r : Query(db, "SELECT e.init_state, e.status, e.termination, e.steps, e.state_hash, "
                                 "hex(e.actions) FROM episodes e JOIN runs r ON r.run_id = e.run_id "
                                 "WHERE r.name = '" + run + "' ORDER BY e.init_state")) {
    if (r.size() < 5) continue;  // an empty last column (no actions) leaves no cell
    rows[std::stoi(r[0])] = {r[1], r[2], r[4], r.size() > 5 ? r[5] : "", std::stoi(r[3])};
  }
  return rows;
}

// The payloads of a run's policy_timing events, by init_state.
inline std::map<int, nlohmann::json> TimingEvents(const std::string& db, const std::string& run) {
  std::map<int, nlohmann::json> events;
  for (const auto& r : Query(db, "SELECT v.init_state, v.payload_json FROM events v JOIN runs r ON r.run_id = v.run_id "
                                 "WHERE r.name = '" + run + "' AND v.kind = 'policy_timing'")) {
    if (r.size() == 2) events[std::stoi(r[0])] = nlohmann::json::parse(r[1]);
  }
  return events;
}

}  // namespace gauntlet::testing
