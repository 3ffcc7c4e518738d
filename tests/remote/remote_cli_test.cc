// End-to-end: the real `gauntlet` binary against the real test server
// (tests/remote/policy_server.py) over loopback, results read back from the
// SQLite file with the sqlite3 shell (remote_tests does not link SQLite).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/remote/gauntlet_cli.h"
#include "tests/remote/policy_server_process.h"

namespace gauntlet {
namespace {

using testing::Episodes;
using testing::EpisodeRow;
using testing::Gauntlet;
using testing::PolicyServerProcess;
using testing::Query;
using testing::Ran;
using testing::TimingEvents;

// One episode at a time: these runs count on the order of the server's
// requests (remote_in_flight_test.cc has the runs with episodes in flight).
const std::string kCommon = "run libero_spatial --tasks 0 --replan-steps 4 --quiet --workers 1 --in-flight 1";
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
