// The play table's world: CALVIN's start scene placed exactly, contacts per
// desk link, the relative interface accumulating on the stored target, the
// lights' logic on a real button press, success of a subtask through the
// oracle, determinism, and the family's chains through a suite file.
#include "envs/playtable/playtable_env.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "envs/playtable/chain_generator.h"
#include "envs/playtable/playtable_family.h"
#include "envs/playtable/symbolic_state.h"
#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "tests/test_support.h"

namespace gauntlet::envs::playtable {
namespace {

std::unique_ptr<PlaytableEnv> MakeEnv(const std::string& scene = "D") {
  PlaytableOptions options;
  options.scene = scene;
  auto env = PlaytableEnv::Create(options);
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::move(env).value();
}

// Index of the first start state matching `pred`.
template <class Pred>
int StartStateWhere(Pred pred) {
  const auto& states = StartStates();
  for (size_t i = 0; i < states.size(); ++i) {
    if (pred(states[i])) return static_cast<int>(i);
  }
  throw std::runtime_error("no such start state");
}

// Drives the tool's stored target to `goal` in steps of at most a full-scale
// action, then holds it `hold` more steps. `target` tracks the stored target
// (the env adds 0.02 m per unit to it).
void MoveTo(PlaytableEnv& env, std::array<double, 3>& target, const std::array<double, 3>& goal, double gripper,
            int hold = 10, std::vector<StepResult>* results = nullptr) {
  for (int step = 0; step < 200; ++step) {
    Action a(7, 0.0);
    bool there = true;
    for (int i = 0; i < 3; ++i) {
      a[i] = std::clamp((goal[i] - target[i]) / kMaxRelPos, -1.0, 1.0);
      target[i] += a[i] * kMaxRelPos;
      there = there && std::abs(goal[i] - target[i]) < 1e-9;
    }
    a[6] = gripper;
    const StepResult r = env.Step(a);
    EXPECT_FALSE(r.diverged) << r.info;
    if (results) results->push_back(r);
    if (there && --hold <= 0) return;
  }
}

std::array<double, 3> Tcp(PlaytableEnv& env) {
  const std::vector<double> r = env.Observe({}).state.at("robot_obs");
  return {r[0], r[1], r[2]};
}

TEST(PlaytableEnv, StartSceneIsCalvins) {
  auto env = MakeEnv();
  for (int index : {0, 1, 100, 191}) {
    const StartScene start = BuildStartScene(StartStates()[index]);
    env->ResetTo(start);
    const Observation obs = env->Observe({});
    const auto& robot = obs.state.at("robot_obs");
    const auto& scene = obs.state.at("scene_obs");
    ASSERT_EQ(robot.size(), 15u);
    ASSERT_EQ(scene.size(), 24u);
    // The tool where CALVIN's robot_obs says (our fingers are CALVIN's length).
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(robot[i], start.tcp_position[i], 1e-3) << i;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(robot[3 + i], start.tcp_euler[i], 1e-3) << i;
    EXPECT_NEAR(robot[6], start.gripper_width, 1e-9);
    EXPECT_EQ(robot[14], 1.0);  // last gripper action: open
    EXPECT_DOUBLE_EQ(scene[0], start.slider);
    EXPECT_DOUBLE_EQ(scene[1], start.drawer);
    EXPECT_DOUBLE_EQ(scene[4], start.lightbulb);
    EXPECT_DOUBLE_EQ(scene[5], start.led);
    for (int b = 0; b < kBlockCount; ++b) {
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(scene[6 + 6 * b + k], start.block_positions[b][k], 1e-9);
      EXPECT_NEAR(scene[6 + 6 * b + 5], start.block_yaws[b], 1e-9);
    }
  }
}

TEST(PlaytableEnv, ContactsNameTheDeskLinkABlockRestsOn) {
  auto env = MakeEnv();
  // Red on the table, blue on the shelf's left, pink on its right.
  const int index = StartStateWhere([](const SymbolicState& s) {
    return s.blocks[kRed] == BlockPlace::kTable && s.blocks[kBlue] == BlockPlace::kSliderLeft &&
           s.blocks[kPink] == BlockPlace::kSliderRight;
  });
  env->ResetTo(BuildStartScene(StartStates()[index]));
  for (int i = 0; i < 15; ++i) env->Step({0, 0, 0, 0, 0, 0, 1});
  const SceneInfo& info = env->scene_info();
  EXPECT_EQ(info.blocks[kRed].contacts, ContactSet{ContactRef::OfDesk(DeskLink::kBase)});
  EXPECT_EQ(info.blocks[kBlue].contacts, ContactSet{ContactRef::OfDesk(DeskLink::kPlank)});
  EXPECT_EQ(info.blocks[kPink].contacts, ContactSet{ContactRef::OfDesk(DeskLink::kPlank)});
  EXPECT_TRUE(info.robot_contacts.empty());
  // Nothing moved while the arm held still: the door, the drawer and the
  // switch are held by their friction, the button by its spring.
  const StartScene start = BuildStartScene(StartStates()[index]);
  EXPECT_NEAR(info.slide_position, start.slider, 1e-3);
  EXPECT_NEAR(info.drawer_position, start.drawer, 1e-3);
  EXPECT_NEAR(info.switch_position, start.switch_joint, 1e-3);
  EXPECT_NEAR(info.button_position, 0, 1e-3);
}

TEST(PlaytableEnv, RelativeActionsAccumulateOnTheStoredTarget) {
  auto env = MakeEnv();
  env->ResetTo(BuildStartScene(StartStates()[0]));
  const auto start = Tcp(*env);
  // Ten full-scale steps along +x: the target moves 0.2 m, whatever the arm
  // has reached after each step; the arm then settles on it.
  for (int i = 0; i < 10; ++i) env->Step({1, 0, 0, 0, 0, 0, 1});
  for (int i = 0; i < 30; ++i) env->Step({0, 0, 0, 0, 0, 0, 1});
  const auto end = Tcp(*env);
  EXPECT_NEAR(end[0] - start[0], 10 * kMaxRelPos, 0.005);
  EXPECT_NEAR(end[1], start[1], 0.005);
  EXPECT_NEAR(end[2], start[2], 0.005);
  // Gripper: -1 closes (CALVIN's sign), and robot_obs records the command.
  for (int i = 0; i < 20; ++i) env->Step({0, 0, 0, 0, 0, 0, -1});
  const std::vector<double> robot = env->Observe({}).state.at("robot_obs");
  EXPECT_LT(robot[6], 0.01);
  EXPECT_EQ(robot[14], -1.0);
}

TEST(PlaytableEnv, AbsoluteActionsSetTheTargetInTheWorld) {
  PlaytableOptions options;
  options.action = ActionKind::kEefAbs;
  auto made = PlaytableEnv::Create(options);
  ASSERT_TRUE(made.ok()) << made.error().message;
  PlaytableEnv& env = *made.value();
  EXPECT_EQ(env.action_spec().kind, ActionKind::kEefAbs);
  env.ResetTo(BuildStartScene(StartStates()[0]));
  // Settling holds the stored target: the tool stays where CALVIN starts it.
  const auto start = Tcp(env);
  const Action hold = env.SettleAction();
  ASSERT_EQ(hold.size(), 7u);
  EXPECT_EQ(hold[6], 1.0);
  for (int i = 0; i < 20; ++i) env.Step(hold);
  const auto held = Tcp(env);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(held[i], start[i], 0.005) << i;
  // One action names a pose 12 cm away, and the arm goes there (a relative
  // action moves the target at most 2 cm per step).
  Action goal = hold;
  goal[0] += 0.12;
  goal[2] -= 0.05;
  for (int i = 0; i < 40; ++i) env.Step(goal);
  const auto end = Tcp(env);
  EXPECT_NEAR(end[0], goal[0], 0.01);
  EXPECT_NEAR(end[1], goal[1], 0.01);
  EXPECT_NEAR(end[2], goal[2], 0.01);
  EXPECT_EQ(env.target_position()[0], goal[0]);  // set, not added

  options.action = ActionKind::kJointPos;
  auto bad = PlaytableEnv::Create(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "the play table takes eef_delta or eef_abs actions, not joint_pos");
}

TEST(PlaytableEnv, EachCameraRendersAtItsOwnSize) {
  auto gl = GlContext::Create("auto", 64, 64);
  ASSERT_TRUE(gl.ok()) << gl.error().message;
  PlaytableOptions options;
  options.render.width = options.render.height = 200;
  options.render.camera_sizes[kGripperCamera] = {84, 84};
  auto made = PlaytableEnv::Create(options);
  ASSERT_TRUE(made.ok()) << made.error().message;
  PlaytableEnv& env = *made.value();
  env.ResetTo(BuildStartScene(StartStates()[0]));
  const Observation obs = env.Observe({{kStaticCamera, kGripperCamera}, false});
  const Image& view = obs.images.at(kStaticCamera);
  const Image& hand = obs.images.at(kGripperCamera);
  EXPECT_EQ(view.width, 200);
  EXPECT_EQ(view.height, 200);
  EXPECT_EQ(hand.width, 84);
  EXPECT_EQ(hand.height, 84);
  ASSERT_EQ(hand.rgb.size(), 84u * 84u * 3u);
  // A real picture, not an empty buffer: the gripper camera sees the desk.
  const auto [lo, hi] = std::minmax_element(hand.rgb.begin(), hand.rgb.end());
  EXPECT_GT(*hi - *lo, 40);
  const ObservationSpec offered = env.observation_spec();
  EXPECT_EQ(offered.SizeOf(kGripperCamera).width, 84);
  EXPECT_EQ(offered.SizeOf(kStaticCamera).width, 200);
}

TEST(PlaytableEnv, ButtonPressTogglesTheLedOnItsRisingEdge) {
  auto env = MakeEnv();
  const int index = StartStateWhere([](const SymbolicState& s) { return s.led == 0; });
  env->ResetTo(BuildStartScene(StartStates()[index]));
  ASSERT_TRUE(env->BeginSubtask({"turn_on_led", "", "press the button to turn on the led light", 360}).ok());
  const auto button = env->privileged_state().regions.at(kButtonTopSite).pose.pos;
  auto target = Tcp(*env);
  MoveTo(*env, target, {button[0], button[1], button[2] + 0.08}, -1);
  EXPECT_EQ(env->scene_info().led, 0);
  std::vector<StepResult> pressing;
  MoveTo(*env, target, {button[0], button[1], button[2] - 0.02}, -1, 10, &pressing);
  EXPECT_GT(env->scene_info().button_position, kButtonPressedAbove);
  EXPECT_EQ(env->scene_info().led, 1);  // once, however long it is held down
  EXPECT_TRUE(std::any_of(pressing.begin(), pressing.end(), [](const StepResult& r) { return r.success; }));
  // Released: the spring brings the button back; the LED stays on.
  MoveTo(*env, target, {button[0], button[1], button[2] + 0.08}, -1);
  EXPECT_LT(env->scene_info().button_position, kButtonPressedAbove);
  EXPECT_EQ(env->scene_info().led, 1);
  // A second press turns it off.
  MoveTo(*env, target, {button[0], button[1], button[2] - 0.02}, -1);
  EXPECT_EQ(env->scene_info().led, 0);
}

TEST(PlaytableEnv, SameActionsSameState) {
  auto a = MakeEnv(), b = MakeEnv();
  EpisodeSpec spec;
  spec.key = {"calvin", "chain0000", "default", 17, 0};
  ASSERT_TRUE(a->Reset(spec).ok());
  ASSERT_TRUE(b->Reset(spec).ok());
  for (int i = 0; i < 20; ++i) {
    const Action act = {0.5, -0.3, -0.8, 0.1, 0, -0.2, i < 10 ? 1.0 : -1.0};
    a->Step(act);
    b->Step(act);
  }
  EXPECT_EQ(a->state_hash(), b->state_hash());
  spec.key.init_state = 192;
  const Status bad = a->Reset(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("192 symbolic start states"), std::string::npos) << bad.message();
}

TEST(PlaytableEnv, EveryDeskCompilesAndHoldsStill) {
  for (const DeskLayout& layout : DeskLayouts()) {
    auto env = MakeEnv(layout.name);
    env->ResetTo(BuildStartScene(StartStates()[0]));
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(env->Step({0, 0, 0, 0, 0, 0, 1}).diverged) << layout.name;
  }
  PlaytableOptions options;
  options.scene = "E";
  auto bad = PlaytableEnv::Create(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "unknown play-table scene 'E' (known: A, B, C, D)");
}

TEST(PlaytableFamily, CalvinSuiteGeneratesItsChains) {
  RegisterFamilies(Families());
  auto suite = LoadSuite(testing::SourceDir() + "/suites/calvin.yaml");
  ASSERT_TRUE(suite.ok()) << suite.error().message;
  ASSERT_EQ(suite.value().tasks.size(), 34u);
  ASSERT_EQ(suite.value().chains.size(), 1000u);
  const auto generated = GenerateChains(1000);
  for (size_t c = 0; c < generated.size(); ++c) {
    const ChainSpec& chain = suite.value().chains[c];
    EXPECT_EQ(chain.init_state, generated[c].start_state_index);
    ASSERT_EQ(chain.subtasks.size(), 5u);
    for (int k = 0; k < 5; ++k) {
      EXPECT_EQ(suite.value().tasks[chain.subtasks[k]].name, PlaytableTasks()[generated[c].task_ids[k]].name);
    }
  }
  EXPECT_EQ(suite.value().chains[0].name, "chain0000");
  EXPECT_EQ(suite.value().chains[999].name, "chain0999");
  // The family's settings: unknown keys and generators are refused.
  PlaytableFamily family;
  auto wrong = family.GenerateChains(suite.value(), "libero", 10);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "unknown chain generator 'libero' (the playtable family has: calvin, calvin_pairs)");
  // CALVIN's two image sizes: 200 x 200 static, 84 x 84 gripper.
  EXPECT_EQ(suite.value().image_width, 200);
  ASSERT_EQ(suite.value().camera_sizes.count(kGripperCamera), 1u);
  EXPECT_EQ(suite.value().camera_sizes.at(kGripperCamera).width, 84);
}

TEST(PlaytableFamily, TheSolvabilitySuiteHasEveryTaskFromEveryStateWhereItMayStart) {
  RegisterFamilies(Families());
  auto suite = LoadSuite(testing::SourceDir() + "/suites/calvin_solvability.yaml");
  ASSERT_TRUE(suite.ok()) << suite.error().message;
  const std::vector<ChainSpec>& chains = suite.value().chains;
  ASSERT_EQ(chains.size(), 2400u);
  std::vector<int> per_task(PlaytableTasks().size(), 0);
  for (const ChainSpec& chain : chains) {
    ASSERT_EQ(chain.subtasks.size(), 1u) << chain.name;
    const PlaytableTask* task = FindPlaytableTask(suite.value().tasks[chain.subtasks[0]].name);
    ASSERT_NE(task, nullptr);
    EXPECT_TRUE(ApplyTask(StartStates()[chain.init_state], task->id).has_value()) << chain.name;
    ++per_task[task->id];
  }
  // No start state has a block in the hand, in the drawer or on another, so
  // seven tasks only ever start mid-chain (the evaluation chains measure
  // them); every other task starts from some start state.
  const std::set<std::string> mid_chain = {"lift_red_block_drawer", "lift_blue_block_drawer",
                                           "lift_pink_block_drawer", "place_in_drawer", "place_in_slider",
                                           "stack_block", "unstack_block"};
  for (size_t t = 0; t < per_task.size(); ++t) {
    EXPECT_EQ(per_task[t] == 0, mid_chain.count(PlaytableTasks()[t].name) == 1) << PlaytableTasks()[t].name;
  }
  int valid = 0;
  for (const SymbolicState& state : StartStates()) {
    for (const PlaytableTask& task : PlaytableTasks()) valid += ApplyTask(state, task.id).has_value();
  }
  EXPECT_EQ(valid, 2400);
  EXPECT_EQ(chains.front().name, "s000_" + suite.value().tasks[chains.front().subtasks[0]].name);
  PlaytableFamily family;
  auto wrong = family.GenerateChains(suite.value(), kPairsGenerator, 1000);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message,
            "calvin_pairs makes 2400 chains (every valid pair of start state and task), not 1000");
}

TEST(PlaytableFamily, AMalformedCameraSizeNamesItsFileAndLine) {
  const std::string path = testing::TempDir("playtable") + "/sizes.yaml";
  std::ofstream(path) << "name: x\nversion: 1\nfamily: playtable\ninit_state_seed: 0\nprotocol:\n  max_steps: 10\n"
                         "observation:\n  image_size: [200, 200]\n  camera_sizes:\n    gripper: [84]\n"
                         "tasks:\n  - name: open_drawer\n    instruction: open\n";
  auto suite = LoadSuite(path);
  ASSERT_FALSE(suite.ok());
  EXPECT_EQ(suite.error().message, path + ":10: camera_sizes.gripper must be [width, height] in pixels");
}

}  // namespace
}  // namespace gauntlet::envs::playtable
