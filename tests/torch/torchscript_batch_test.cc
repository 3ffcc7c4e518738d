// The TorchScript batch contract on real worlds and the real CLI: a module
// with act_batch serves every episode of a run from one loaded copy, answers
// batches of queries bit for bit like act answers them one at a time, and
// gives the same episodes whatever the episodes in flight, batch size and
// workers; a batch of the wrong shape is an error naming the file.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/scheduler.h"
#include "policies/probe_policy.h"
#include "policies/torchscript/torchscript_policy.h"
#include "tests/cli/cli_support.h"
#include "tests/harness/schedule_fixture.h"
#include "tests/torch/probe_twin.h"

namespace gauntlet {
namespace {

std::string Save(const std::string& path, const std::string& source, int chunk) {
  torch::jit::Module module("TestPolicy");
  module.register_attribute("chunk", c10::IntType::get(), int64_t{chunk});
  module.register_attribute("episodes", c10::IntType::get(), int64_t{0});
  module.define(source);
  module.save(path);
  return path;
}

Result<std::unique_ptr<Policy>> Load(const std::string& path) {
  return policies::MakeTorchScriptPolicy(path, policies::PolicyOptions::Parse({}).value());
}

TEST(TorchScriptBatch, OnlyAModuleWithActBatchAndNoResetBatches) {
  const std::string dir = testing::TempDir("torch_batch");
  auto batched = Load(Save(dir + "/batched.pt", testing::BatchedProbeTwin(), 4));
  ASSERT_TRUE(batched.ok()) << batched.error().message;
  EXPECT_TRUE(batched.value()->batches());
  auto plain = Load(Save(dir + "/plain.pt", testing::ProbeTwin(), 4));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain.value()->batches());  // its reset keeps state in the module
}

TEST(TorchScriptBatch, ABatchOfTheWrongShapeIsAnErrorNamingTheFile) {
  const std::string dir = testing::TempDir("torch_batch");
  // act_batch returning one row for a batch of two.
  std::string source = testing::BatchedProbeTwin();
  source.replace(source.find("    return torch.stack(rows)"), std::string("    return torch.stack(rows)").size(),
                 "    return torch.stack(rows)[0:1]");
  const std::string path = Save(dir + "/short.pt", source, 4);
  auto policy = Load(path);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  Observation obs;
  obs.images["agentview"] = Image{8, 8, std::vector<std::uint8_t>(8 * 8 * 3, 100)};
  obs.images["wrist"] = obs.images["agentview"];
  obs.state = {{"eef_pos", {0, 0, 1}}, {"eef_axis_angle", {0, 0, 0}}, {"gripper_qpos", {0.04, -0.04}}};
  auto shared = std::make_shared<const Observation>(obs);
  auto session = policy.value()->open_session();
  try {
    (void)policy.value()->act_batch({{session, shared}, {session, shared}});
    FAIL() << "a batch of one row for two queries was accepted";
  } catch (const PolicyError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find(path), 0u) << what;
    EXPECT_NE(what.find("for a batch of 2"), std::string::npos) << what;
  }
}

TEST(TorchScriptBatch, OneModuleServesTheRunAndEpisodesDoNotDependOnInFlightBatchOrWorkers) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::string dir = testing::TempDir("torch_batch");
  const std::string path = Save(dir + "/batched.pt", testing::BatchedProbeTwin(), 4);
  const std::vector<WorkItem> work = testing::SpatialWork(suite, {0, 3}, 3, 24);
  auto run = [&](int workers, int in_flight, int batch, bool through_probe) {
    std::atomic<int> loaded{0};
    ScheduleOptions options;
    options.render = true;
    options.workers = workers;
    options.in_flight = in_flight;
    options.batch.batch_size = batch;
    options.runner.replan_steps = 3;
    PolicyFactory make = [&]() -> Result<std::unique_ptr<Policy>> {
      ++loaded;
      if (through_probe) return policies::ProbePolicy::Create(policies::PolicyOptions::Parse({"chunk=4"}).value());
      return Load(path);
    };
    const testing::Outcomes outcomes = testing::RunAll(suite, work, make, options);
    if (!through_probe) {
      EXPECT_EQ(loaded.load(), 1) << "one module for the run";
    }
    return outcomes;
  };
  const auto probe = run(1, 1, 1, true);
  ASSERT_EQ(probe.size(), 6u);
  for (int workers : {1, 2}) {
    for (auto [in_flight, batch] : {std::pair{1, 1}, {8, 4}, {16, 16}}) {
      const auto twin = run(workers, in_flight, batch, false);
      ASSERT_EQ(twin.size(), 6u);
      for (const auto& [key, expected] : probe) {
        const EpisodeOutcome& actual = twin.at(key);
        const std::string what = expected.key.ToString() + " W=" + std::to_string(workers) +
                                 " E=" + std::to_string(in_flight) + " B=" + std::to_string(batch);
        EXPECT_EQ(actual.status, EpisodeStatus::kFailure) << what << ": " << actual.termination;
        EXPECT_EQ(actual.steps, expected.steps) << what;
        EXPECT_EQ(actual.state_hash, expected.state_hash) << what;
        EXPECT_EQ(actual.actions, expected.actions) << what;
      }
    }
  }
}

nlohmann::json EpisodesOf(const std::string& db, const std::string& run) {
  return QueryJson(
      db, "SELECT e.task, e.init_state, e.status, e.steps, e.state_hash, hex(e.actions) AS actions "
          "FROM episodes e JOIN runs r USING (run_id) WHERE r.name = '" + run + "' ORDER BY e.task, e.init_state");
}

TEST(TorchScriptBatchCli, BatchedRunsStoreTheProbesEpisodesAndRecordHowTheyRan) {
  const std::string dir = testing::TempDir("torch_batch");
  const std::string twin = Save(dir + "/batched.pt", testing::BatchedProbeTwin(), 4), db = dir + "/r.db";
  const std::string run = "run libero_spatial --tasks 0 --trials 3 --replan-steps 4 --quiet --db " + db;
  Ran probe = Gauntlet(run + " --policy probe --in-flight 1 --run-name probe");
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  Ran batched = Gauntlet(run + " --policy torchscript:" + twin +
                                           " --workers 2 --in-flight 3 --batch-size 2 --max-wait-ms 7 --run-name twin");
  ASSERT_EQ(batched.exit_code, 0) << batched.err;
  EXPECT_EQ(EpisodesOf(db, "probe"), EpisodesOf(db, "twin"));

  const nlohmann::json execution = nlohmann::json::parse(
      QueryJson(db, "SELECT execution_json FROM runs WHERE name = 'twin'")[0]["execution_json"]
          .get<std::string>());
  EXPECT_EQ(execution["workers"], 2);
  EXPECT_EQ(execution["in_flight"], 3);
  EXPECT_EQ(execution["batch_size"], 2);
  EXPECT_EQ(execution["max_wait_ms"], 7.0);
  EXPECT_EQ(execution["policy_batches"], true);
  // Every episode's policy_timing says how its queries were batched.
  const nlohmann::json timings = QueryJson(
      db, "SELECT ev.payload_json FROM events ev JOIN runs r USING (run_id) "
          "WHERE r.name = 'twin' AND ev.kind = 'policy_timing'");
  ASSERT_EQ(timings.size(), 3u);
  for (const auto& row : timings) {
    const nlohmann::json t = nlohmann::json::parse(row["payload_json"].get<std::string>());
    EXPECT_EQ(t["queue_wait_ms"]["requests"], 55) << t;  // 220 steps, 4 actions per query
    EXPECT_GE(t["batch_size"]["max"].get<int>(), 1) << t;
    EXPECT_LE(t["batch_size"]["max"].get<int>(), 2) << t;
  }
}

}  // namespace
}  // namespace gauntlet
