// The dual-arm family's scripted expert (`--policy oracle` for dualarm)
// driving real dual-arm worlds through the family's eef_abs interface: it
// solves given seeds of MergeVLA's three tasks on the embodiments MergeVLA
// runs them on, and of one task of each other kind; it declares what the
// runner needs to pick the family's absolute interface; and it is a
// function of the observations alone (two runs of a seed, with a reset
// between, give the same actions).
#include "policies/dualarm_oracle_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "envs/dualarm/dualarm_env.h"
#include "harness/family_registry.h"
#include "policies/registered_experts.h"

namespace gauntlet::policies {
namespace {

using envs::dualarm::DualarmEnv;
using envs::dualarm::DualarmOptions;
using envs::dualarm::WorkspaceSetting;

struct Outcome {
  bool success = false;
  int steps = 0;
  std::string phase;  // the script's stage when the episode ended
  std::vector<Action> actions;
};

// One episode of `task` on `embodiment` for `seed`, at most the task's step limit.
Outcome RunEpisode(Policy& policy, const std::string& task, const std::string& embodiment, std::uint64_t seed,
                   WorkspaceSetting setting = WorkspaceSetting::kClean) {
  DualarmOptions options;
  options.task = task;
  options.embodiment = embodiment;
  options.setting = setting;
  options.action = ActionKind::kEefAbs;
  options.seeds = {seed};
  options.seeds_source = "test seed";
  auto created = DualarmEnv::Create(options);
  if (!created.ok()) throw std::runtime_error(created.error().message);
  DualarmEnv& env = *created.value();
  EpisodeSpec spec;
  spec.key = {"robotwin", task, "default", 0, 0};
  if (Status s = env.Reset(spec); !s.ok()) throw std::runtime_error(s.message());
  policy.reset(EpisodeContext{});
  ObservationRequest request;
  request.privileged = true;
  const int limit = envs::dualarm::FindDualarmTask(task).value()->step_limit;
  Outcome out;
  for (int step = 0; step < limit && !out.success; ++step) {
    const ActionChunk chunk = policy.act(env.Observe(request));
    out.actions.push_back(chunk.actions.front());
    const StepResult r = env.Step(chunk.actions.front());
    out.success = r.success;
    out.steps = step + 1;
    out.phase = chunk.metadata.count("phase") ? chunk.metadata.at("phase") : "";
    if (r.diverged) break;
  }
  return out;
}

struct Case {
  const char* task;
  const char* embodiment;
  std::uint64_t seed;
};

void ExpectSolves(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    DualarmOraclePolicy policy;
    const Outcome o = RunEpisode(policy, c.task, c.embodiment, c.seed);
    EXPECT_TRUE(o.success) << c.task << " on " << c.embodiment << " seed " << c.seed << ": not solved in " << o.steps
                           << " steps, the script at stage '" << o.phase << "'";
  }
}

TEST(DualarmExpert, SolvesMergeVlaTasksOnTheirEmbodiments) {
  ExpectSolves({
      {"place_container_plate", "aloha", 100000},
      {"place_container_plate", "arx5", 100001},
      {"place_container_plate", "piper", 100002},
      {"handover_block", "aloha", 100000},
      {"handover_block", "arx5", 100003},
      {"open_microwave", "aloha", 100001},
      {"open_microwave", "piper", 100004},
  });
}

TEST(DualarmExpert, SolvesOneTaskOfEachOtherKind) {
  ExpectSolves({
      {"stack_blocks_two", "aloha", 100004},     // red brought to the middle first
      {"put_object_cabinet", "aloha", 100000},   // drawer, then placing over its walls
      {"click_bell", "arx5", 100000},            // press
      {"lift_pot", "aloha", 100001},             // two arms on one object
      {"handover_mic", "aloha", 100002},         // handover
  });
}

TEST(DualarmExpert, SolvesARandomizedScene) {
  // The randomized setting moves the table top: heights are read from the scene.
  DualarmOraclePolicy policy;
  const Outcome o = RunEpisode(policy, "place_container_plate", "aloha", 100000, WorkspaceSetting::kRandomized);
  EXPECT_TRUE(o.success) << "stage '" << o.phase << "' after " << o.steps << " steps";
}

TEST(DualarmExpert, SameSeedSameActionsAcrossAReset) {
  DualarmOraclePolicy policy;
  const Outcome first = RunEpisode(policy, "handover_block", "arx5", 100000);
  // Another episode in between leaves nothing behind once reset.
  RunEpisode(policy, "place_container_plate", "aloha", 100003);
  const Outcome again = RunEpisode(policy, "handover_block", "arx5", 100000);
  ASSERT_TRUE(first.success);
  ASSERT_EQ(first.actions.size(), again.actions.size());
  for (std::size_t i = 0; i < first.actions.size(); ++i) {
    ASSERT_EQ(first.actions[i], again.actions[i]) << "step " << i;
  }
}

TEST(DualarmExpert, DeclaresTheFamilysAbsoluteInterfaceAndPrivilegedState) {
  FamilyRegistry registry;
  RegisterExperts(registry);
  ASSERT_TRUE(registry.HasExpert("dualarm"));
  auto made = registry.MakeExpert("dualarm", {});
  ASSERT_TRUE(made.ok()) << made.error().message;
  const PolicyInfo info = made.value()->info();
  EXPECT_EQ(info.kind, "oracle");
  EXPECT_TRUE(info.needs.privileged);
  EXPECT_TRUE(info.needs.cameras.empty());  // nothing rendered for the expert
  // The runner picks the family's interface of the kind the policy emits
  // (app/policy_factory.cc ComposePolicy): the declared spec is the family's.
  const ActionSpec family = envs::dualarm::DualEefAbsSpec();
  EXPECT_EQ(info.action_spec.kind, family.kind);
  EXPECT_EQ(info.action_spec.dim, family.dim);
  EXPECT_EQ(info.action_spec.low, family.low);
  EXPECT_EQ(info.action_spec.high, family.high);
  EXPECT_EQ(info.action_spec.gripper, family.gripper);
  EXPECT_EQ(info.action_spec.rotation, family.rotation);
  EXPECT_FALSE(registry.MakeExpert("dualarm", {"speed=2"}).ok());  // it takes no settings
}

TEST(DualarmExpert, RefusesAnObservationWithoutPrivilegedState) {
  DualarmOraclePolicy policy;
  policy.reset(EpisodeContext{});
  Observation observation;
  observation.state["joint_pos"] = std::vector<double>(14, 0.0);
  EXPECT_THROW(policy.act(observation), PolicyError);
}

}  // namespace
}  // namespace gauntlet::policies
