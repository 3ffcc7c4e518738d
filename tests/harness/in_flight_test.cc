// Episodes in flight on real worlds: outcomes do not depend on how many
// episodes are in flight, how queries are batched or how many workers step
// them; per-episode policy state stays with its episode under batching; a
// slow policy's queries wait together while workers step other episodes; a
// batched call that never returns becomes a timeout of its episode alone.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "harness/scheduler.h"
#include "policies/probe_policy.h"
#include "tests/harness/schedule_fixture.h"

namespace gauntlet {
namespace {

using testing::Outcomes;
using testing::RunAll;

// Two tasks of LIBERO-Spatial: slots switch worlds between tasks.
std::vector<WorkItem> Items(const SuiteSpec& suite, int per_task, int max_steps) {
  return testing::SpatialWork(suite, {0, 3}, per_task, max_steps);
}

void ExpectSameEpisodes(const Outcomes& expected, const Outcomes& actual, const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  for (const auto& [key, e] : expected) {
    const EpisodeOutcome& a = actual.at(key);
    EXPECT_EQ(e.status, a.status) << what << " " << e.key.ToString() << ": " << a.termination;
    EXPECT_EQ(e.steps, a.steps) << what << " " << e.key.ToString();
    EXPECT_EQ(e.state_hash, a.state_hash) << what << " " << e.key.ToString();
    EXPECT_EQ(e.actions, a.actions) << what << " " << e.key.ToString();
  }
}

PolicyFactory Probe(int chunk) {
  return [chunk] {
    auto options = policies::PolicyOptions::Parse({"chunk=" + std::to_string(chunk)});
    return policies::ProbePolicy::Create(options.value());
  };
}

ScheduleOptions Rendering(int workers, int in_flight, int batch_size) {
  ScheduleOptions options;
  options.render = true;
  options.workers = workers;
  options.in_flight = in_flight;
  options.batch.batch_size = batch_size;
  options.runner.replan_steps = 3;
  return options;
}

TEST(InFlight, OutcomesDoNotDependOnEpisodesInFlightBatchSizeOrWorkers) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 3, 24);
  const Outcomes reference = RunAll(suite, work, Probe(4), Rendering(1, 1, 1));
  ASSERT_EQ(reference.size(), 6u);
  for (const auto& [key, o] : reference) {
    EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;  // the probe reaches for the sky
    EXPECT_EQ(o.steps, 24);
    EXPECT_EQ(o.policy_queries, 8);
  }
  for (int workers : {1, 2}) {
    for (auto [in_flight, batch] : {std::pair{1, 1}, {8, 4}, {16, 16}}) {
      const std::string what = "W=" + std::to_string(workers) + " E=" + std::to_string(in_flight) +
                               " B=" + std::to_string(batch);
      const Outcomes outcomes = RunAll(suite, work, Probe(4), Rendering(workers, in_flight, batch));
      ExpectSameEpisodes(reference, outcomes, what);
      if (in_flight == 1) continue;
      // Batched: every query went through the batcher and says so.
      for (const auto& [key, o] : outcomes) {
        const PolicyTiming* timing = nullptr;
        for (const Event& e : o.events) {
          if (auto* t = std::get_if<PolicyTiming>(&e)) timing = t;
        }
        ASSERT_NE(timing, nullptr) << what;
        EXPECT_EQ(timing->queued_requests, 8) << what;
        EXPECT_GE(timing->batch_size_max, 1) << what;
        EXPECT_LE(timing->batch_size_max, batch) << what;
      }
    }
  }
}

// Remembers, per episode, the hand positions of all its earlier queries and
// acts on their running mean: an answer depends on the episode's whole
// history, so a session mixed up between episodes changes the actions.
class HistoryPolicy : public Policy {
 public:
  struct History : PolicySession {
    std::vector<double> sum = {0, 0, 0};
    int queries = 0;
    void reset(const EpisodeContext&) override {
      sum = {0, 0, 0};
      queries = 0;
    }
  };
  explicit HistoryPolicy(bool batches, double latency_s = 0) : batches_(batches), latency_s_(latency_s) {}
  PolicyInfo info() const override {
    PolicyInfo info;
    info.name = info.kind = "history";
    info.action_spec = envs::tabletop::TabletopActionSpec();
    info.needs.state_keys = {"eef_pos"};
    return info;
  }
  void reset(const EpisodeContext& context) override { own_.reset(context); }
  ActionChunk act(const Observation& observation) override { return Act(own_, observation); }
  bool batches() const override { return batches_; }
  std::shared_ptr<PolicySession> open_session() override { return std::make_shared<History>(); }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    if (latency_s_ > 0) std::this_thread::sleep_for(std::chrono::duration<double>(latency_s_));
    std::vector<PolicyAnswer> answers;
    for (const PolicyQuery& q : queries) answers.push_back({Act(static_cast<History&>(*q.session), *q.observation), {}});
    return answers;
  }

 private:
  static ActionChunk Act(History& h, const Observation& observation) {
    const std::vector<double>& pos = observation.state.at("eef_pos");
    ++h.queries;
    Action a(7, 0.0);
    for (int i = 0; i < 3; ++i) {
      h.sum[i] += pos[i];
      a[i] = std::clamp(4.0 * (h.sum[i] / h.queries - pos[i]) + (i == 2 ? 0.3 : 0.0), -1.0, 1.0);
    }
    a[6] = h.queries % 2 ? -1.0 : 1.0;
    return ActionChunk{{a, a}, {}};
  }
  bool batches_;
  double latency_s_;
  History own_;
};

TEST(InFlight, EachEpisodeKeepsItsSessionWhicheverBatchItsQueriesLandIn) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 4, 40);
  ScheduleOptions unbatched;
  unbatched.runner.replan_steps = 2;
  const Outcomes one_by_one = RunAll(
      suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HistoryPolicy>(false)); }, unbatched);
  ScheduleOptions batched = unbatched;
  batched.workers = 2;
  batched.in_flight = 8;
  batched.batch.batch_size = 3;
  const Outcomes together = RunAll(
      suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HistoryPolicy>(true)); }, batched);
  ExpectSameEpisodes(one_by_one, together, "history policy");
  // And the runner's own per-episode state, temporal ensembling, likewise.
  unbatched.runner.chunk_mode = ChunkMode::kEnsemble;
  batched.runner.chunk_mode = ChunkMode::kEnsemble;
  ExpectSameEpisodes(
      RunAll(suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HistoryPolicy>(false)); }, unbatched),
      RunAll(suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HistoryPolicy>(true)); }, batched),
      "ensembled");
}

TEST(InFlight, ASlowPolicysQueriesWaitTogetherWhileWorkersStepOtherEpisodes) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 4, 10);
  ScheduleOptions options;
  options.workers = 2;
  options.in_flight = 8;
  options.batch.batch_size = 8;
  options.batch.max_wait_ms = 500;  // long beside two control steps: batches fill
  options.runner.replan_steps = 2;
  const Outcomes outcomes = RunAll(
      suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HistoryPolicy>(true, 0.03)); },
      options);
  ASSERT_EQ(outcomes.size(), 8u);
  int largest = 0;
  double waited_ms = 0;
  for (const auto& [key, o] : outcomes) {
    for (const Event& e : o.events) {
      if (auto* t = std::get_if<PolicyTiming>(&e)) {
        EXPECT_EQ(t->queued_requests, 5);
        largest = std::max(largest, t->batch_size_max);
        waited_ms += t->queue_wait_mean_ms;
      }
    }
  }
  // Episodes were waiting at once while the workers stepped the others.
  EXPECT_GE(largest, 2);
  EXPECT_LE(largest, 8);
  EXPECT_GT(waited_ms, 0);
}

// Hangs in act_batch when the batch holds the episode of initial state
// `hang_on`; answers everything else at once.
class HangingBatchPolicy : public Policy {
 public:
  struct Session : PolicySession {
    int init = -1;
    void reset(const EpisodeContext& context) override { init = context.init_state; }
  };
  explicit HangingBatchPolicy(int hang_on) : hang_on_(hang_on) {}
  PolicyInfo info() const override {
    PolicyInfo info;
    info.name = info.kind = "hanging";
    info.action_spec = envs::tabletop::TabletopActionSpec();
    return info;
  }
  void reset(const EpisodeContext&) override {}
  ActionChunk act(const Observation&) override { return {}; }
  bool batches() const override { return true; }
  std::shared_ptr<PolicySession> open_session() override { return std::make_shared<Session>(); }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    std::vector<PolicyAnswer> answers;
    for (const PolicyQuery& q : queries) {
      if (static_cast<Session&>(*q.session).init == hang_on_) std::this_thread::sleep_for(std::chrono::seconds(20));
      answers.push_back({ActionChunk{{HoldStillOpen(envs::tabletop::TabletopActionSpec())}, {}}, {}});
    }
    return answers;
  }

 private:
  int hang_on_;
};

TEST(InFlight, ABatchedCallThatNeverReturnsTimesOutItsEpisodeAndTheRunGoesOn) {
  const SuiteSpec suite = testing::SpatialSuite();
  std::vector<WorkItem> work = Items(suite, 3, 5);
  work.resize(3);  // task 0, initial states 0..2
  ScheduleOptions options;
  options.in_flight = 3;
  options.batch.batch_size = 1;   // the hung call holds only its own episode
  options.batch.dispatchers = 2;  // the others are answered meanwhile
  // With episodes in flight an episode's wall time includes its worker
  // building the other slots' worlds: a limit that a loaded machine cannot
  // trip on its own, still far below the hang.
  options.runner.episode_timeout_s = 4;
  options.watchdog_grace_s = 0.5;
  const Outcomes outcomes = RunAll(
      suite, work, [] { return Result<std::unique_ptr<Policy>>(std::make_unique<HangingBatchPolicy>(1)); }, options);
  ASSERT_EQ(outcomes.size(), 3u);
  const std::string task = suite.tasks[0].name;
  EXPECT_EQ(outcomes.at({task, 0}).status, EpisodeStatus::kFailure) << outcomes.at({task, 0}).termination;
  EXPECT_EQ(outcomes.at({task, 1}).status, EpisodeStatus::kTimeout);
  EXPECT_NE(outcomes.at({task, 1}).termination.find("left behind"), std::string::npos)
      << outcomes.at({task, 1}).termination;
  EXPECT_EQ(outcomes.at({task, 2}).status, EpisodeStatus::kFailure) << outcomes.at({task, 2}).termination;
}

}  // namespace
}  // namespace gauntlet
