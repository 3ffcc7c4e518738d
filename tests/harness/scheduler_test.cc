// The scheduler on real worlds: every episode gets exactly one outcome, a hung
// policy call becomes a timeout and the run goes on, results are independent
// of the worker count.
#include "harness/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "policies/oracle_policy.h"
#include "tests/harness/schedule_fixture.h"

namespace gauntlet {
namespace {

// Holds still; on one initial state its act() hangs far beyond any timeout.
class HangingPolicy : public Policy {
 public:
  explicit HangingPolicy(int hang_on) : hang_on_(hang_on) {}
  PolicyInfo info() const override {
    PolicyInfo info;
    info.name = info.kind = "hanging";
    info.action_spec = envs::tabletop::TabletopActionSpec();
    return info;
  }
  void reset(const EpisodeContext& context) override { init_ = context.init_state; }
  ActionChunk act(const Observation&) override {
    if (init_ == hang_on_) std::this_thread::sleep_for(std::chrono::seconds(20));
    return ActionChunk{{HoldStillOpen(envs::tabletop::TabletopActionSpec())}, {}};
  }

 private:
  int hang_on_;
  int init_ = -1;
};

std::vector<WorkItem> Items(const SuiteSpec& suite, int task, int count, int max_steps) {
  return testing::SpatialWork(suite, {task}, count, max_steps);
}

using testing::SpatialEnvs;

TEST(Scheduler, AHungPolicyCallBecomesATimeoutAndTheRunGoesOn) {
  const SuiteSpec suite = testing::SpatialSuite();
  ScheduleOptions options;
  options.workers = 1;
  options.runner.episode_timeout_s = 0.5;
  options.watchdog_grace_s = 0.5;
  std::map<int, EpisodeOutcome> outcomes;
  const auto start = std::chrono::steady_clock::now();
  Status s = RunSchedule(
      Items(suite, 2, 3, 5), suite, SpatialEnvs(suite),
      [] { return Result<std::unique_ptr<Policy>>(std::unique_ptr<Policy>(new HangingPolicy(1))); },
      options, [&](const EpisodeOutcome& o) { outcomes[o.key.init_state] = o; });
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].status, EpisodeStatus::kFailure);
  EXPECT_EQ(outcomes[1].status, EpisodeStatus::kTimeout);
  EXPECT_NE(outcomes[1].termination.find("watchdog"), std::string::npos) << outcomes[1].termination;
  EXPECT_EQ(outcomes[2].status, EpisodeStatus::kFailure) << outcomes[2].termination;
}

TEST(Scheduler, OutcomesDoNotDependOnTheWorkerCount) {
  const SuiteSpec suite = testing::SpatialSuite();
  auto run = [&](int workers) {
    ScheduleOptions options;
    options.workers = workers;
    std::map<int, EpisodeOutcome> outcomes;
    Status s = RunSchedule(
        Items(suite, 5, 4, 220), suite, SpatialEnvs(suite),
        [] { return Result<std::unique_ptr<Policy>>(std::unique_ptr<Policy>(new policies::OraclePolicy())); },
        options, [&](const EpisodeOutcome& o) { outcomes[o.key.init_state] = o; });
    EXPECT_TRUE(s.ok()) << s.message();
    return outcomes;
  };
  auto one = run(1), two = run(2);
  ASSERT_EQ(one.size(), 4u);
  ASSERT_EQ(two.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(one[i].status, EpisodeStatus::kSuccess) << one[i].termination;
    EXPECT_EQ(one[i].steps, two[i].steps);
    EXPECT_EQ(one[i].state_hash, two[i].state_hash);
    EXPECT_EQ(one[i].actions, two[i].actions);
  }
}

TEST(Scheduler, AnEnvThatCannotBeBuiltMakesItsEpisodesErrors) {
  SuiteSpec suite = testing::SpatialSuite();
  suite.tasks[2].init_states = "/nonexistent/states.json";
  ScheduleOptions options;
  std::vector<EpisodeOutcome> outcomes;
  Status s = RunSchedule(
      Items(suite, 2, 2, 5), suite, SpatialEnvs(suite),
      [] { return Result<std::unique_ptr<Policy>>(std::unique_ptr<Policy>(new policies::OraclePolicy())); },
      options, [&](const EpisodeOutcome& o) { outcomes.push_back(o); });
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, EpisodeStatus::kError);
    EXPECT_NE(o.termination.find("/nonexistent/states.json"), std::string::npos) << o.termination;
  }
}

}  // namespace
}  // namespace gauntlet
