// End-to-end: the real `gauntlet` binary against the real test server
// (tests/remote/policy_server.py) over loopback, results read back from the
// SQLite file with the sqlite3 shell (remote_tests does not link SQLite).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/remote/policy_server_process.h"
#include "tests/test_support.h"
#include "gauntlet_build_paths.h"

namespace gauntlet {
namespace {

using testing::PolicyServerProcess;

struct Ran {
  int exit_code;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every run is bounded: a hang fails the test instead of stalling the suite.
Ran Gauntlet(const std::string& args) {
  const std::string dir = testing::TempDir("remote-cli");
  const std::string cmd = "cd " + testing::SourceDir() + " && timeout -k 5 120 " + GAUNTLET_BINARY + " " + args +
                          " >" + dir + "/out 2>" + dir + "/err";
  const int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), Slurp(dir + "/out"), Slurp(dir + "/err")};
}

// Rows of a query, columns as text (sqlite3 -ascii: 0x1f between columns,
// 0x1e after rows).
std::vector<std::vector<std::string>> Query(const std::string& db, const std::string& sql) {
  const std::string dir = testing::TempDir("remote-sql");
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
std::map<int, EpisodeRow> Episodes(const std::string& db, const std::string& run) {
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
std::map<int, nlohmann::json> TimingEvents(const std::string& db, const std::string& run) {
  std::map<int, nlohmann::json> events;
  for (const auto& r : Query(db, "SELECT v.init_state, v.payload_json FROM events v JOIN runs r ON r.run_id = v.run_id "
                                 "WHERE r.name = '" + run + "' AND v.kind = 'policy_timing'")) {
    if (r.size() == 2) events[std::stoi(r[0])] = nlohmann::json::parse(r[1]);
  }
  return events;
}

const std::string kCommon = "run libero_spatial --tasks 0 --replan-steps 4 --quiet --workers 1";
// The runs below that are not about images skip the adapters: both sides
// declare what the run renders (128x128, upright).
const std::string kImages = " --policy-opt image_size=128 --policy-opt orientation=upright";

// The remote policy's defaults are openpi LIBERO's (224x224, turned 180
// degrees); the probe is told the same, and both runs adapt alike: the remote
// one with the one-word bundle of openpi's LIBERO client.
TEST(RemoteCli, ARunThroughTheServerEqualsTheProbeRun) {
  PolicyServerProcess server({"--chunk", "4"});
  ASSERT_TRUE(server.started()) << server.log();
  const std::string db = testing::TempDir("remote-cli") + "/r.db";
  const std::string adapt = " --adapt flip180,resize_pad";
  Ran remote = Gauntlet(kCommon + " --trials 2 --db " + db + " --run-name remote --policy remote:" + server.url() +
                        " --policy-opt chunk=4 --adapt openpi_libero");
  ASSERT_EQ(remote.exit_code, 0) << remote.err << server.log();
  Ran probe = Gauntlet(kCommon + " --trials 2 --db " + db + " --run-name probe --policy probe --policy-opt chunk=4" +
                       " --policy-opt image_size=224 --policy-opt orientation=rotated180" + adapt);
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  const auto a = Episodes(db, "remote"), b = Episodes(db, "probe");
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (const auto& [init, row] : a) {
    const EpisodeRow& other = b.at(init);
    EXPECT_NE(row.status, "error") << row.termination;
    EXPECT_EQ(row.status, other.status) << init;
    EXPECT_EQ(row.steps, other.steps) << init;
    EXPECT_EQ(row.state_hash, other.state_hash) << init;
    EXPECT_FALSE(row.actions.empty());
    EXPECT_EQ(row.actions, other.actions) << "init " << init << ": the executed actions differ";
  }
  // Each remote episode reports its request latencies.
  const auto timing = TimingEvents(db, "remote");
  ASSERT_EQ(timing.size(), 2u);
  for (const auto& [init, t] : timing) {
    EXPECT_EQ(t["requests"].get<int>() * 4, a.at(init).steps) << t;
    EXPECT_TRUE(t["client_ms"]["p95"].is_number()) << t;
    EXPECT_TRUE(t["server_infer_ms"]["mean"].is_number()) << t;
    EXPECT_EQ(t["extended"], false);
  }
  const auto policies = Query(db, "SELECT source, metadata_json, adapters_json FROM policies WHERE kind = 'remote'");
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0][0], server.url());
  EXPECT_EQ(nlohmann::json::parse(policies[0][1])["policy"], "probe");
  const auto adapters = nlohmann::json::parse(policies[0][2]);
  ASSERT_EQ(adapters.size(), 2u) << adapters;
  EXPECT_EQ(adapters[0]["name"], "flip180");
  EXPECT_EQ(adapters[1]["name"], "resize_pad");
  EXPECT_EQ(adapters[1]["to"], "224x224");
}

TEST(RemoteCli, EachFaultEndsItsEpisodeWithAReasonAndTheRunGoesOn) {
  // Episodes 0-7 each meet one fault at their second request (the server
  // counts requests over its life: episode k's second is request 2k + 2);
  // episode 8 runs clean (55 requests, 17-71); the server exits at episode
  // 9's second request (73), and episode 10 finds it dead.
  const std::vector<std::pair<std::string, std::string>> faults = {
      {"text_error", "server error: Traceback"},
      {"close", "the server closed the connection"},
      {"hang", "no reply to request 2 within 2 s"},
      {"garbage", "malformed msgpack"},
      {"wrong_shape", "has shape (4, 6); expected (4, 7)"},
      {"wrong_dtype", "has dtype <i8"},
      {"missing_actions", "no 'actions'"},
      {"oversize", "exceeded max_message_mb"},
  };
  std::vector<std::string> args = {"--chunk", "4"};
  for (size_t k = 0; k < faults.size(); ++k) {
    args.push_back("--fault");
    args.push_back(faults[k].first + "_at=" + std::to_string(2 * k + 2));
  }
  args.push_back("--fault");
  args.push_back("exit_at=73");
  PolicyServerProcess server(args);
  ASSERT_TRUE(server.started()) << server.log();
  const std::string db = testing::TempDir("remote-cli") + "/r.db";
  Ran run = Gauntlet(kCommon + " --trials 11 --db " + db + " --run-name faults --policy remote:" + server.url() +
                     kImages + " --policy-opt chunk=4 --policy-opt timeout_s=2 --policy-opt max_message_mb=1" +
                     " --policy-opt connect_retries=1");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto rows = Episodes(db, "faults");
  ASSERT_EQ(rows.size(), 11u) << run.err;
  for (size_t k = 0; k < faults.size(); ++k) {
    const EpisodeRow& row = rows.at(static_cast<int>(k));
    EXPECT_EQ(row.status, faults[k].first == "hang" ? "timeout" : "error") << faults[k].first << ": " << row.termination;
    EXPECT_EQ(row.steps, 4) << faults[k].first;
    EXPECT_NE(row.termination.find("policy: remote " + server.url() + ": "), std::string::npos) << row.termination;
    EXPECT_NE(row.termination.find(faults[k].second), std::string::npos) << faults[k].first << ": " << row.termination;
  }
  EXPECT_EQ(rows.at(8).status, "failure") << rows.at(8).termination;
  EXPECT_EQ(rows.at(8).steps, 220);
  EXPECT_EQ(rows.at(9).status, "error");
  EXPECT_EQ(rows.at(9).steps, 4);
  EXPECT_NE(rows.at(9).termination.find("request 2: the connection was lost"), std::string::npos)
      << rows.at(9).termination;
  EXPECT_EQ(rows.at(10).status, "error");
  EXPECT_EQ(rows.at(10).steps, 0);
  EXPECT_NE(rows.at(10).termination.find("cannot connect (2 attempts"), std::string::npos) << rows.at(10).termination;
  // Every episode reported its timings, however it ended (10 never connected).
  EXPECT_EQ(TimingEvents(db, "faults").size(), 10u);
}

TEST(RemoteCli, AnUnreachableServerStopsTheRunBeforeAnythingIsStored) {
  const std::string url = "ws://127.0.0.1:" + std::to_string(testing::UnusedPort());
  const std::string db = testing::TempDir("remote-cli") + "/r.db";
  Ran run = Gauntlet(kCommon + " --trials 2 --db " + db + " --policy remote:" + url +
                     " --policy-opt connect_retries=1");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("remote " + url + ": cannot connect (2 attempts"), std::string::npos) << run.err;
}

TEST(RemoteCli, AnExtendedServerHearsEachEpisodesStartAndEnd) {
  const std::string record = testing::TempDir("remote-cli") + "/episodes.jsonl";
  PolicyServerProcess server({"--chunk", "4", "--extended", "--record", record});
  ASSERT_TRUE(server.started()) << server.log();
  const std::string db = testing::TempDir("remote-cli") + "/r.db";
  Ran run = Gauntlet(kCommon + " --trials 2 --db " + db + " --run-name extended --policy remote:" + server.url() +
                     kImages + " --policy-opt chunk=4 --policy-opt task_id=true");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> lines;
  std::ifstream in(record);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 4u) << server.log();
  const auto rows = Episodes(db, "extended");
  for (int init = 0; init < 2; ++init) {
    const auto& start = lines[2 * init];
    const auto& end = lines[2 * init + 1];
    EXPECT_EQ(start["type"], "episode_start");
    EXPECT_EQ(end["type"], "episode_end");
    EXPECT_EQ(start["connection"], end["connection"]);
    EXPECT_EQ(start["episode"]["suite"], "libero_spatial");
    EXPECT_EQ(start["episode"]["init_state"], init);
    EXPECT_EQ(start["episode"]["task_index"], 0);
    EXPECT_FALSE(start["episode"]["task"].get<std::string>().empty());
    EXPECT_TRUE(start["episode"]["seed"].is_number_unsigned());
    EXPECT_EQ(end["requests"].get<int>() * 4, rows.at(init).steps);
    EXPECT_EQ(end["observed"], end["requests"]);
  }
  const auto timing = TimingEvents(db, "extended");
  ASSERT_EQ(timing.size(), 2u);
  EXPECT_EQ(timing.at(0)["extended"], true);
}

}  // namespace
}  // namespace gauntlet
