// The episode loop on a real tabletop world: outcomes, bad actions, policy
// failures, chunk execution modes, determinism and instruction chains.
#include "harness/episode_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

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

// ---- Instruction chains -----------------------------------------------------

// The expert, recording every context it is reset with.
class RecordingExpert : public policies::OraclePolicy {
 public:
  void reset(const EpisodeContext& context) override {
    contexts.push_back(context);
    OraclePolicy::reset(context);
  }
  ActionChunk act(const Observation& obs) override {
    instructions.insert(obs.instruction);
    return OraclePolicy::act(obs);
  }
  std::vector<EpisodeContext> contexts;
  std::set<std::string> instructions;
};

// A two-subtask chain in LIBERO-Goal's kitchen (the world of its first task).
EpisodeSpec GoalChain(const SuiteSpec& goal, const std::string& first, const std::string& second, int init = 0) {
  auto index = [&](const std::string& name) {
    for (const TaskSpec& t : goal.tasks) {
      if (t.name == name) return t.index;
    }
    throw std::runtime_error("no task " + name);
  };
  EpisodeSpec spec = testing::TabletopEpisode(goal, index(first), init);
  spec.key.task = first + "+" + second;
  for (const std::string& name : {first, second}) {
    const TaskSpec& t = goal.tasks[index(name)];
    spec.chain.push_back({t.name, t.file, t.instruction, goal.protocol.max_steps});
  }
  return spec;
}

int SubtaskEvents(const EpisodeOutcome& o, int* done) {
  int n = 0;
  *done = 0;
  for (const Event& e : o.events) {
    if (const auto* subtask = std::get_if<SubtaskResult>(&e)) {
      EXPECT_EQ(subtask->position, n);
      ++n;
      *done += subtask->success;
    }
  }
  return n;
}

TEST(EpisodeRunnerChains, EachSubtaskGetsItsInstructionAndResetAndARow) {
  const SuiteSpec goal = testing::TabletopSuite("libero_goal");
  // suites/libero_goal_chains.yaml's drawer_then_wine_on_rack.
  const EpisodeSpec spec =
      GoalChain(goal, "open_the_middle_drawer_of_the_cabinet", "put_the_wine_bottle_on_the_rack", 5);
  auto env = testing::TabletopEnvOf(goal, spec.task_index);
  RecordingExpert expert;
  EpisodeContext context = Context();
  context.instruction = spec.chain[0].instruction;
  EpisodeOutcome o = RunEpisode(*env, expert, spec, context, {});
  ASSERT_EQ(o.status, EpisodeStatus::kSuccess) << o.termination;
  // Reset once per subtask, each time with that subtask's instruction, and
  // the observations carried each instruction in turn.
  ASSERT_EQ(expert.contexts.size(), 2u);
  EXPECT_EQ(expert.contexts[0].instruction, "open the middle drawer of the cabinet");
  EXPECT_EQ(expert.contexts[1].instruction, "put the wine bottle on the rack");
  EXPECT_EQ(expert.contexts[1].subtask, 1);
  EXPECT_EQ(expert.instructions,
            (std::set<std::string>{"open the middle drawer of the cabinet", "put the wine bottle on the rack"}));
  int done = 0;
  EXPECT_EQ(SubtaskEvents(o, &done), 2);
  EXPECT_EQ(done, 2);
  // The world was not reset between subtasks: the drawer the first subtask
  // opened is still out when the chain ends.
  const char* drawer = "wooden_cabinet_1_middle_drawer_joint";
  const double end = env->privileged_state().joints.at(drawer);
  ASSERT_TRUE(env->Reset(spec).ok());
  EXPECT_GT(std::abs(end - env->privileged_state().joints.at(drawer)), 0.03) << end;
}

TEST(EpisodeRunnerChains, TheChainStopsAtTheFirstFailedSubtask) {
  const SuiteSpec goal = testing::TabletopSuite("libero_goal");
  EpisodeSpec spec = GoalChain(goal, "turn_on_the_stove", "put_the_bowl_on_the_plate");
  spec.chain[0].max_steps = 15;  // too few for the expert to reach the dial
  auto env = testing::TabletopEnvOf(goal, spec.task_index);
  policies::OraclePolicy expert;
  EpisodeOutcome o = RunEpisode(*env, expert, spec, Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kFailure);
  EXPECT_EQ(o.termination, "subtask 0 (turn_on_the_stove): max_steps");
  EXPECT_EQ(o.steps, 15);
  int done = 0;
  EXPECT_EQ(SubtaskEvents(o, &done), 1);
  EXPECT_EQ(done, 0);
}

TEST(EpisodeRunnerChains, ASubtaskWhoseObjectsAreNotInTheWorldIsAnError) {
  const SuiteSpec goal = testing::TabletopSuite("libero_goal");
  const SuiteSpec object = testing::TabletopSuite("libero_object");
  EpisodeSpec spec = GoalChain(goal, "turn_on_the_stove", "put_the_bowl_on_the_plate");
  const TaskSpec& foreign = object.tasks[0];  // LIBERO-Object: soup and basket, not in this kitchen
  spec.chain[1] = {foreign.name, foreign.file, foreign.instruction, 50};
  spec.chain[0].max_steps = 300;
  auto env = testing::TabletopEnvOf(goal, spec.task_index);
  policies::OraclePolicy expert;
  EpisodeOutcome o = RunEpisode(*env, expert, spec, Context(), {});
  EXPECT_EQ(o.status, EpisodeStatus::kError) << o.termination;
  EXPECT_NE(o.termination.find("subtask 1"), std::string::npos) << o.termination;
}

}  // namespace
}  // namespace gauntlet
