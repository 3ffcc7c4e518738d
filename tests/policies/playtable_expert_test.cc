// The play table's scripted expert (`oracle` for the playtable family) on
// short real runs: from a CALVIN start scene where the task's precondition
// holds, it completes open_drawer, turn_on_led, lift_red_block_table and
// move_slider_left within CALVIN's 360 steps, acting only through the 7-d
// relative interface; and carries on from where a previous subtask left the
// hand (the stored target outlives the policy's reset).
#include "policies/playtable_oracle_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "envs/playtable/playtable_env.h"
#include "envs/playtable/playtable_tasks.h"
#include "envs/playtable/start_scene.h"
#include "envs/playtable/symbolic_state.h"

namespace gauntlet::policies {
namespace {

using envs::playtable::BlockPlace;
using envs::playtable::DrawerState;
using envs::playtable::PlaytableEnv;
using envs::playtable::SliderSide;
using envs::playtable::SymbolicState;

constexpr int kMaxSteps = 360;  // CALVIN's EP_LEN

std::unique_ptr<PlaytableEnv> MakeEnv() {
  auto env = PlaytableEnv::Create(envs::playtable::PlaytableOptions{});
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::move(env).value();
}

// The first of CALVIN's start states that `pred` accepts.
const SymbolicState& StartStateWhere(const std::function<bool(const SymbolicState&)>& pred) {
  for (const SymbolicState& s : envs::playtable::StartStates()) {
    if (pred(s)) return s;
  }
  throw std::runtime_error("no such start state");
}

// Runs one subtask with the oracle; the number of steps it took, or -1.
int RunSubtask(PlaytableEnv& env, PlaytableOraclePolicy& policy, const std::string& task) {
  const envs::playtable::PlaytableTask* t = envs::playtable::FindPlaytableTask(task);
  if (t == nullptr) throw std::runtime_error("unknown task " + task);
  SubtaskSpec subtask;
  subtask.task = t->name;
  subtask.instruction = t->instruction;
  EXPECT_TRUE(env.BeginSubtask(subtask).ok());
  policy.reset(EpisodeContext{});
  ObservationRequest request;
  request.privileged = true;
  for (int step = 0; step < kMaxSteps; ++step) {
    Action a = policy.act(env.Observe(request)).actions.at(0);
    EXPECT_EQ(a.size(), 7u);
    for (double& v : a) {
      EXPECT_GE(v, -1.0);
      EXPECT_LE(v, 1.0);
      v = std::clamp(v, -1.0, 1.0);
    }
    const StepResult r = env.Step(a);
    EXPECT_FALSE(r.diverged) << r.info;
    if (r.success) return step + 1;
  }
  return -1;
}

TEST(PlaytableExpert, DeclaresTheRelativeInterfaceAndPrivilegedState) {
  PlaytableOraclePolicy policy;
  const PolicyInfo info = policy.info();
  EXPECT_EQ(info.name, "oracle");
  EXPECT_TRUE(info.needs.privileged);
  EXPECT_EQ(info.action_spec.kind, ActionKind::kEefDelta);
  EXPECT_EQ(info.action_spec.dim, 7);
  EXPECT_EQ(info.action_spec.rotation, RotationFormat::kEulerXyz);
  EXPECT_EQ(info.action_spec.gripper, GripperConvention::kPosOpenNegClose);
}

TEST(PlaytableExpert, OpensTheDrawer) {
  auto env = MakeEnv();
  env->ResetTo(envs::playtable::BuildStartScene(
      StartStateWhere([](const SymbolicState& s) { return s.drawer == DrawerState::kClosed; })));
  PlaytableOraclePolicy policy;
  EXPECT_GT(RunSubtask(*env, policy, "open_drawer"), 0);
  EXPECT_GT(env->scene_info().drawer_position, 0.12);
}

TEST(PlaytableExpert, TurnsOnTheLed) {
  auto env = MakeEnv();
  env->ResetTo(envs::playtable::BuildStartScene(StartStateWhere([](const SymbolicState& s) { return s.led == 0; })));
  PlaytableOraclePolicy policy;
  EXPECT_GT(RunSubtask(*env, policy, "turn_on_led"), 0);
  EXPECT_EQ(env->scene_info().led, 1);
}

TEST(PlaytableExpert, LiftsTheRedBlockFromTheTable) {
  auto env = MakeEnv();
  env->ResetTo(envs::playtable::BuildStartScene(StartStateWhere(
      [](const SymbolicState& s) { return s.blocks[envs::playtable::kRed] == BlockPlace::kTable; })));
  PlaytableOraclePolicy policy;
  EXPECT_GT(RunSubtask(*env, policy, "lift_red_block_table"), 0);
}

TEST(PlaytableExpert, MovesTheSliderLeftThenLiftsTheBlockItUncovered) {
  // move_slider_left, then (from where that left the hand) a block the door
  // uncovered: a block on the shelf's right half, reachable once the door
  // is on the left.
  auto env = MakeEnv();
  env->ResetTo(envs::playtable::BuildStartScene(StartStateWhere([](const SymbolicState& s) {
    return s.slider == SliderSide::kRight && s.blocks[envs::playtable::kPink] == BlockPlace::kSliderRight;
  })));
  PlaytableOraclePolicy policy;
  EXPECT_GT(RunSubtask(*env, policy, "move_slider_left"), 0);
  EXPECT_GT(env->scene_info().slide_position, 0.15);
  EXPECT_GT(RunSubtask(*env, policy, "lift_pink_block_slider"), 0);
}

TEST(PlaytableExpert, NamesItsPhase) {
  auto env = MakeEnv();
  env->ResetTo(envs::playtable::BuildStartScene(envs::playtable::StartStates()[0]));
  SubtaskSpec subtask;
  subtask.task = "turn_off_led";
  ASSERT_TRUE(env->BeginSubtask(subtask).ok());
  PlaytableOraclePolicy policy;
  policy.reset(EpisodeContext{});
  ObservationRequest request;
  request.privileged = true;
  const ActionChunk chunk = policy.act(env->Observe(request));
  EXPECT_FALSE(chunk.metadata.at("phase").empty());
}

}  // namespace
}  // namespace gauntlet::policies
