// The episode loop on a real tabletop world: outcomes, bad actions, policy
// failures, chunk execution modes and determinism.
#include "harness/episode_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness/gl_context.h"
#include "policies/noop_policy.h"
#include "policies/oracle_policy.h"
#include "tests/envs/env_fixture.h"

namespace gauntlet {
namespace {

// A policy that emits chunks of `chunk` small actions and misbehaves on cue.
class ScriptedPolicy : public Policy {
 public:
  enum class Fault { kNone, kNanAtStep, kWrongSizeAtStep, kThrowAtStep };
  ScriptedPolicy(int chunk, Fault fault = Fault::kNone, int fault_step = -1)
      : chunk_(chunk), fault_(fault), fault_step_(fault_step) {}
  PolicyInfo info() const override {
    PolicyInfo info;
    info.name = info.kind = "scripted";
    info.action_spec = envs::tabletop::TabletopActionSpec();
    info.needs.cameras = cameras_;
    return info;
  }
  std::vector<std::string> cameras_;
  std::vector<int> image_queries_;  // steps at which images arrived
  void reset(const EpisodeContext&) override { queries_ = 0; }
  ActionChunk act(const Observation& obs) override {
    ++queries_;
    if (!obs.images.empty()) image_queries_.push_back(obs.step);
    if (obs.step == fault_step_ && fault_ == Fault::kThrowAtStep) throw PolicyError("server went away");
    ActionChunk c;
    for (int i = 0; i < chunk_; ++i) {
      Action a{0.1 * std::sin(obs.step + i), 0, 0, 0, 0, 0, -1};
      if (obs.step == fault_step_ && fault_ == Fault::kNanAtStep) a[2] = std::nan("");
      if (obs.step == fault_step_ && fault_ == Fault::kWrongSizeAtStep) a.resize(6);
      c.actions.push_back(a);
    }
    return c;
  }
  int queries_ = 0;

 private:
  int chunk_;
  Fault fault_;
  int fault_step_;
};

EpisodeContext Context() {
  EpisodeContext c;
  c.instruction = "test";
  return c;
}

TEST(EpisodeRunner, NoopPolicyFailsAfterMaxSteps) {
  auto env = testing::SpatialEnv(2);
  policies::NoopPolicy noop(envs::tabletop::TabletopActionSpec());
  EpisodeOutcome o = RunEpisode(*env, noop, testing::SpatialEpisode(2, 0, 30), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kFailure);
  EXPECT_EQ(o.termination, "max_steps");
  EXPECT_EQ(o.steps, 30);
  EXPECT_EQ(o.policy_queries, 30);
}

TEST(EpisodeRunner, OracleSucceedsAndStopsAtTheGoal) {
  auto env = testing::SpatialEnv(2);
  policies::OraclePolicy oracle;
  EpisodeOutcome o = RunEpisode(*env, oracle, testing::SpatialEpisode(2, 0), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kSuccess) << o.termination;
  EXPECT_EQ(o.termination, "goal");
  EXPECT_LT(o.steps, 220);
  EXPECT_TRUE(env->goal_holds());
}

TEST(EpisodeRunner, NanActionEndsTheEpisodeAsError) {
  auto env = testing::SpatialEnv(2);
  ScriptedPolicy policy(1, ScriptedPolicy::Fault::kNanAtStep, 4);
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 30), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_NE(o.termination.find("action[2] is nan"), std::string::npos) << o.termination;
  EXPECT_NE(o.termination.find("step 4"), std::string::npos) << o.termination;
  EXPECT_EQ(o.steps, 4);
}

TEST(EpisodeRunner, WrongSizedActionEndsTheEpisodeAsError) {
  auto env = testing::SpatialEnv(2);
  ScriptedPolicy policy(1, ScriptedPolicy::Fault::kWrongSizeAtStep, 0);
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 30), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_NE(o.termination.find("6 values, expected 7"), std::string::npos) << o.termination;
}

TEST(EpisodeRunner, PolicyExceptionIsRecordedAndTheEnvStaysUsable) {
  auto env = testing::SpatialEnv(2);
  ScriptedPolicy bad(1, ScriptedPolicy::Fault::kThrowAtStep, 2);
  EpisodeOutcome o = RunEpisode(*env, bad, testing::SpatialEpisode(2, 0, 30), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_NE(o.termination.find("server went away"), std::string::npos);
  policies::NoopPolicy noop(envs::tabletop::TabletopActionSpec());
  EXPECT_EQ(RunEpisode(*env, noop, testing::SpatialEpisode(2, 1, 5), Context(), {}).status,
            EpisodeStatus::kFailure);
}

TEST(EpisodeRunner, MismatchedActionSpecIsRefusedNamingBothSides) {
  auto env = testing::SpatialEnv(2);
  ActionSpec joint;
  joint.kind = ActionKind::kJointPos;
  joint.dim = 8;
  joint.gripper = GripperConvention::kOneOpenZeroClose;
  policies::NoopPolicy wrong(joint);
  EpisodeOutcome o = RunEpisode(*env, wrong, testing::SpatialEpisode(2, 0, 5), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_NE(o.termination.find("eef_delta[7]"), std::string::npos) << o.termination;
  EXPECT_NE(o.termination.find("joint_pos[8]"), std::string::npos) << o.termination;
}

TEST(EpisodeRunner, ChunkModesQueryThePolicyAsOftenAsTheyShould) {
  auto env = testing::SpatialEnv(2);
  const EpisodeSpec spec = testing::SpatialEpisode(2, 0, 20);
  RunnerOptions options;
  ScriptedPolicy policy(5);
  options.chunk_mode = ChunkMode::kReplanSteps;
  options.replan_steps = 2;
  RunEpisode(*env, policy, spec, Context(), options);
  EXPECT_EQ(policy.queries_, 10);
  options.chunk_mode = ChunkMode::kFull;
  RunEpisode(*env, policy, spec, Context(), options);
  EXPECT_EQ(policy.queries_, 4);
  options.chunk_mode = ChunkMode::kEnsemble;
  RunEpisode(*env, policy, spec, Context(), options);
  EXPECT_EQ(policy.queries_, 20);
}

TEST(EpisodeRunner, RendersOnlyWhenThePolicyIsQueried) {
  auto gl = GlContext::Create("auto", 64, 64);
  ASSERT_TRUE(gl.ok()) << gl.error().message;
  auto env = testing::SpatialEnv(2);
  ScriptedPolicy policy(5);
  policy.cameras_ = {"agentview", "wrist"};
  RunnerOptions options;
  options.replan_steps = 5;
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 12), Context(), options);
  EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;
  EXPECT_EQ(policy.image_queries_, (std::vector<int>{0, 5, 10}));
  EXPECT_GT(o.render_s, 0);
}

TEST(EpisodeRunner, ACameraTheTaskLacksIsRefusedBeforeTheFirstStep) {
  auto env = testing::SpatialEnv(2);
  ScriptedPolicy policy(1);
  policy.cameras_ = {"ceiling"};
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 5), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_EQ(o.steps, 0);
  EXPECT_EQ(policy.queries_, 0);
  EXPECT_NE(o.termination.find("'ceiling'"), std::string::npos) << o.termination;
  EXPECT_NE(o.termination.find("agentview, wrist"), std::string::npos) << o.termination;
}

// Reports a timing event at the end of every episode and times out on cue.
class SilentAfterPolicy : public ScriptedPolicy {
 public:
  explicit SilentAfterPolicy(int silent_step) : ScriptedPolicy(1), silent_step_(silent_step) {}
  ActionChunk act(const Observation& obs) override {
    if (obs.step == silent_step_) throw PolicyTimeout("no answer within 0.5 s");
    return ScriptedPolicy::act(obs);
  }
  void on_event(EventSink& sink, const EpisodeKey& key) override {
    PolicyTiming timing;
    timing.step = queries_;
    timing.requests = queries_;
    sink.Emit(key, timing);
  }

 private:
  int silent_step_;
};

TEST(EpisodeRunner, ASilentPolicyEndsTheEpisodeAsTimeoutAndItsEventsAreKept) {
  auto env = testing::SpatialEnv(2);
  SilentAfterPolicy policy(4);
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 20), Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kTimeout);
  EXPECT_EQ(o.steps, 4);
  EXPECT_NE(o.termination.find("no answer within 0.5 s"), std::string::npos) << o.termination;
  ASSERT_EQ(o.events.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<PolicyTiming>(o.events[0]));
  EXPECT_EQ(std::get<PolicyTiming>(o.events[0]).requests, 4);  // the silent query never returned
}

TEST(EpisodeRunner, ReplanningBeyondTheDeclaredChunkIsRefused) {
  auto env = testing::SpatialEnv(2);
  class Declares3 : public ScriptedPolicy {
   public:
    Declares3() : ScriptedPolicy(3) {}
    PolicyInfo info() const override {
      PolicyInfo info = ScriptedPolicy::info();
      info.action_spec.chunk_length = 3;
      return info;
    }
  } policy;
  RunnerOptions options;
  options.replan_steps = 5;
  EpisodeOutcome o = RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 20), Context(), options);
  EXPECT_EQ(o.status, EpisodeStatus::kError);
  EXPECT_EQ(policy.queries_, 0);
  EXPECT_NE(o.termination.find("--replan-steps 5 exceeds the 3 actions"), std::string::npos) << o.termination;
  options.replan_steps = 3;
  EXPECT_EQ(RunEpisode(*env, policy, testing::SpatialEpisode(2, 0, 20), Context(), options).status,
            EpisodeStatus::kFailure);
}

TEST(EpisodeRunner, SameEpisodeTwiceGivesTheSameStateHash) {
  auto env = testing::SpatialEnv(7);
  policies::OraclePolicy oracle;
  EpisodeOutcome a = RunEpisode(*env, oracle, testing::SpatialEpisode(7, 3, 60), Context(), {});
  auto fresh = testing::SpatialEnv(7);  // a different world instance, same spec
  EpisodeOutcome b = RunEpisode(*fresh, oracle, testing::SpatialEpisode(7, 3, 60), Context(), {});
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.state_hash, b.state_hash);
  EXPECT_EQ(a.state_hash.size(), 16u);
}

}  // namespace
}  // namespace gauntlet
