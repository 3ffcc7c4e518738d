// gauntlet's CALVIN evaluation chains: the numpy primitives, the symbolic
// states and rules, the generated chains and the start scenes. The expected
// values are CALVIN's (its paper's counts, three chains compared against its
// own generator) or numpy 1.24's output for the same seeds, computed once
// with /usr/bin/python3.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "envs/playtable/chain_generator.h"
#include "envs/playtable/numpy_legacy_random.h"
#include "envs/playtable/playtable_tasks.h"
#include "envs/playtable/start_scene.h"
#include "envs/playtable/symbolic_state.h"

namespace gauntlet::envs::playtable {
namespace {

constexpr int kCalvinChainCount = 1000;

const std::vector<EvaluationChain>& CalvinChains() {
  static const std::vector<EvaluationChain> chains = GenerateChains(kCalvinChainCount);
  return chains;
}

int TaskId(const std::string& name) {
  const PlaytableTask* task = FindPlaytableTask(name);
  EXPECT_NE(task, nullptr) << name;
  return task ? task->id : -1;
}

std::vector<std::string> TaskNames(const EvaluationChain& chain) {
  std::vector<std::string> names;
  for (int id : chain.task_ids) names.push_back(PlaytableTasks()[id].name);
  return names;
}

SymbolicState State(int led, int bulb, SliderSide slider, DrawerState drawer, BlockPlace red, BlockPlace blue,
                    BlockPlace pink) {
  return {led, bulb, slider, drawer, {red, blue, pink}, 0};
}

using BP = BlockPlace;
using SS = SliderSide;
using DS = DrawerState;

// --- numpy's legacy generator ------------------------------------------------

TEST(PlaytableNumpyLegacyRandom, SeedsLikeNumpy) {
  NumpyLegacyRandom rng(0);  // np.random.RandomState(0).randint(0, 2**32, dtype=np.uint32, size=3)
  EXPECT_EQ(rng.NextUint32(), 2357136044u);
  EXPECT_EQ(rng.NextUint32(), 2546248239u);
  EXPECT_EQ(rng.NextUint32(), 3071714933u);
}

TEST(PlaytableNumpyLegacyRandom, EngineIsMt19937) {
  // Past several regenerations of the 624-word state.
  for (std::uint32_t seed : {0u, 1u, 5489u, 4294967295u}) {
    std::mt19937 reference(seed);
    NumpyLegacyRandom rng(seed);
    for (int i = 0; i < 3000; ++i) ASSERT_EQ(rng.NextUint32(), reference()) << "seed " << seed << " draw " << i;
  }
}

TEST(PlaytableNumpyLegacyRandom, ChoiceWithoutReplacementIsAPermutationPrefix) {
  // np.random.seed(7); np.random.choice(34, 5, replace=False)
  NumpyLegacyRandom rng(7);
  EXPECT_EQ(rng.ChooseWithoutReplacement(34, 5), (std::vector<int>{2, 20, 1, 9, 13}));
  NumpyLegacyRandom again(7);
  std::vector<int> permutation = again.Permutation(34);
  permutation.resize(5);
  EXPECT_EQ(permutation, (std::vector<int>{2, 20, 1, 9, 13}));
}

TEST(PlaytableNumpyLegacyRandom, ShuffleAndUniformMatchNumpy) {
  NumpyLegacyRandom shuffle_rng(3);  // np.random.seed(3); np.random.shuffle(list(range(10)))
  std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  shuffle_rng.Shuffle(items.begin(), items.end());
  EXPECT_EQ(items, (std::vector<int>{5, 4, 1, 2, 9, 6, 7, 0, 3, 8}));

  const double pi = 3.14159265358979323846;
  NumpyLegacyRandom uniform_rng(42);  // np.random.seed(42); uniform(pi/2 - pi/8, pi/2 + pi/8); uniform(-1, 2)
  EXPECT_EQ(uniform_rng.Uniform(pi / 2 - pi / 8, pi / 2 + pi / 8), 1.4722603665575529);
  EXPECT_EQ(uniform_rng.Uniform(-1.0, 2.0), 1.8521429192297485);
}

TEST(PlaytableNumpyLegacyRandom, RandomIntervalStaysInRange) {
  NumpyLegacyRandom rng(1);
  EXPECT_EQ(rng.RandomInterval(0), 0u);
  for (std::uint32_t max : {1u, 2u, 5u, 33u, 999u}) {
    for (int i = 0; i < 200; ++i) EXPECT_LE(rng.RandomInterval(max), max);
  }
}

// --- symbolic states and rules ---------------------------------------------

TEST(PlaytableSymbolicState, StartStatesAreCalvins192InProductOrder) {
  const std::vector<SymbolicState>& states = StartStates();
  ASSERT_EQ(states.size(), 192u);
  // 12 block arrangements under each of the 16 (led, bulb, slider, drawer).
  EXPECT_EQ(states[0], State(0, 0, SS::kRight, DS::kClosed, BP::kTable, BP::kTable, BP::kSliderRight));
  EXPECT_EQ(states[1], State(0, 0, SS::kRight, DS::kClosed, BP::kTable, BP::kTable, BP::kSliderLeft));
  EXPECT_EQ(states[12], State(0, 0, SS::kRight, DS::kOpen, BP::kTable, BP::kTable, BP::kSliderRight));
  EXPECT_EQ(states[96].led, 1);
  EXPECT_EQ(states[95].led, 0);
  EXPECT_EQ(states[191], State(1, 1, SS::kLeft, DS::kOpen, BP::kSliderLeft, BP::kSliderRight, BP::kTable));
  std::set<std::string> distinct;
  for (const SymbolicState& s : states) {
    distinct.insert(DictValuesText(s));
    const auto on = [&](BlockPlace p) { return std::count(s.blocks.begin(), s.blocks.end(), p); };
    EXPECT_TRUE(on(BP::kTable) == 1 || on(BP::kTable) == 2) << DictValuesText(s);
    EXPECT_LE(on(BP::kSliderRight), 1);
    EXPECT_LE(on(BP::kSliderLeft), 1);
    EXPECT_EQ(s.grasped, 0);
  }
  EXPECT_EQ(distinct.size(), 192u);
}

TEST(PlaytableSymbolicState, DictValuesTextIsPythons) {
  EXPECT_EQ(DictValuesText(State(1, 1, SS::kLeft, DS::kOpen, BP::kSliderLeft, BP::kTable, BP::kSliderRight)),
            "dict_values([1, 1, 'left', 'open', 'slider_left', 'table', 'slider_right', 0])");
}

TEST(PlaytableSymbolicState, EveryTaskHasRules) {
  for (const PlaytableTask& task : PlaytableTasks()) EXPECT_FALSE(SymbolicRules(task.id).empty()) << task.name;
  EXPECT_EQ(SymbolicRules(TaskId("lift_red_block_slider")).size(), 2u);
  EXPECT_EQ(SymbolicRules(TaskId("place_in_slider")).size(), 6u);
  EXPECT_EQ(SymbolicRules(TaskId("push_into_drawer")).size(), 3u);
}

TEST(PlaytableSymbolicState, StackRulesRunOverOrderedPairs) {
  // Rule k stacks top on bottom for (r,b), (r,p), (b,r), (b,p), (p,r), (p,b).
  const int pairs[6][2] = {{kRed, kBlue}, {kRed, kPink}, {kBlue, kRed}, {kBlue, kPink}, {kPink, kRed}, {kPink, kBlue}};
  for (const char* name : {"stack_block", "unstack_block"}) {
    const std::vector<SymbolicRule>& rules = SymbolicRules(TaskId(name));
    ASSERT_EQ(rules.size(), 6u);
    for (int k = 0; k < 6; ++k) {
      const bool stack = std::string(name) == "stack_block";
      EXPECT_EQ(rules[k].condition.blocks[pairs[k][0]], PlaceBit(stack ? BP::kGrasped : BP::kStackedTop)) << name << k;
      EXPECT_EQ(rules[k].condition.blocks[pairs[k][1]], PlaceBit(stack ? BP::kTable : BP::kStackedBottom)) << name << k;
    }
  }
}

TEST(PlaytableSymbolicState, AmbiguousTasksAreRejected) {
  // Red in hand with blue and pink both on the table: two stack rules match.
  SymbolicState s = State(0, 0, SS::kRight, DS::kClosed, BP::kTable, BP::kTable, BP::kTable);
  s = *ApplyTask(s, TaskId("lift_red_block_table"));
  EXPECT_EQ(s.blocks[kRed], BP::kGrasped);
  EXPECT_EQ(s.grasped, 1);
  const std::vector<RuleMatch> matches = MatchRules(s, TaskId("stack_block"));
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].rule, 0);
  EXPECT_EQ(matches[1].rule, 1);
  EXPECT_FALSE(ApplyTask(s, TaskId("stack_block")).has_value());
  // Holding a block blocks every task that needs empty hands.
  EXPECT_FALSE(ApplyTask(s, TaskId("open_drawer")).has_value());
  // With pink on the shelf, red stacks on blue only.
  SymbolicState t = State(0, 0, SS::kRight, DS::kClosed, BP::kTable, BP::kTable, BP::kSliderLeft);
  t = *ApplyTask(t, TaskId("lift_red_block_table"));
  const std::optional<SymbolicState> stacked = ApplyTask(t, TaskId("stack_block"));
  ASSERT_TRUE(stacked.has_value());
  EXPECT_EQ(stacked->blocks[kRed], BP::kStackedTop);
  EXPECT_EQ(stacked->blocks[kBlue], BP::kStackedBottom);
  EXPECT_EQ(stacked->grasped, 0);
  const std::optional<SymbolicState> unstacked = ApplyTask(*stacked, TaskId("unstack_block"));
  ASSERT_TRUE(unstacked.has_value());
  EXPECT_EQ(unstacked->blocks[kRed], BP::kTable);
  EXPECT_EQ(unstacked->blocks[kBlue], BP::kTable);
}

TEST(PlaytableSymbolicState, SliderBlocksAreReachableBehindTheOpenSide) {
  // A block on the left of the shelf can be lifted while the door is right.
  const SymbolicState s = State(0, 0, SS::kRight, DS::kClosed, BP::kSliderLeft, BP::kTable, BP::kTable);
  EXPECT_TRUE(ApplyTask(s, TaskId("lift_red_block_slider")).has_value());
  SymbolicState covered = s;
  covered.slider = SS::kLeft;
  EXPECT_FALSE(ApplyTask(covered, TaskId("lift_red_block_slider")).has_value());
}

// --- the chains ---------------------------------------------------------------

TEST(PlaytableChains, KnownChainsMatchCalvin) {
  const std::vector<EvaluationChain>& chains = CalvinChains();
  ASSERT_EQ(chains.size(), 1000u);
  EXPECT_EQ(chains[0].start_state,
            State(1, 1, SS::kLeft, DS::kOpen, BP::kSliderLeft, BP::kTable, BP::kSliderRight));
  EXPECT_EQ(TaskNames(chains[0]), (std::vector<std::string>{"rotate_blue_block_right", "move_slider_right",
                                                            "lift_red_block_slider", "place_in_slider",
                                                            "turn_off_lightbulb"}));
  EXPECT_EQ(chains[1].start_state,
            State(1, 1, SS::kRight, DS::kOpen, BP::kSliderRight, BP::kTable, BP::kSliderLeft));
  EXPECT_EQ(TaskNames(chains[1]), (std::vector<std::string>{"turn_off_led", "push_into_drawer",
                                                            "lift_blue_block_drawer", "place_in_slider",
                                                            "close_drawer"}));
  EXPECT_EQ(chains[999].start_state,
            State(1, 0, SS::kLeft, DS::kClosed, BP::kSliderRight, BP::kSliderLeft, BP::kTable));
  EXPECT_EQ(TaskNames(chains[999]), (std::vector<std::string>{"move_slider_right", "turn_on_lightbulb",
                                                              "push_pink_block_left", "open_drawer",
                                                              "push_into_drawer"}));
}

TEST(PlaytableChains, TaskCountsMatchCalvin) {
  std::map<std::string, int> count;
  for (const EvaluationChain& chain : CalvinChains()) {
    for (const std::string& name : TaskNames(chain)) ++count[name];
  }
  EXPECT_EQ(count.size(), PlaytableTasks().size()) << "every task occurs";
  EXPECT_EQ(count["place_in_slider"], 398);
  EXPECT_EQ(count["open_drawer"], 379);
  EXPECT_EQ(count["move_slider_right"], 317);
  EXPECT_EQ(count["move_slider_left"], 284);
  EXPECT_EQ(count["close_drawer"], 250);
  EXPECT_EQ(count["stack_block"], 220);
  EXPECT_EQ(count["place_in_drawer"], 208);
  EXPECT_EQ(count["push_into_drawer"], 138);
  EXPECT_EQ(count["unstack_block"], 81);
  for (const PlaytableTask& task : PlaytableTasks()) {
    const int n = count[task.name];
    switch (task.kind) {
      case TaskKind::kTurnOnLightbulb:
      case TaskKind::kTurnOffLightbulb:
      case TaskKind::kTurnOnLed:
      case TaskKind::kTurnOffLed:
        EXPECT_TRUE(n >= 171 && n <= 202) << task.name << " " << n;
        break;
      case TaskKind::kRotateRight:
      case TaskKind::kRotateLeft:
      case TaskKind::kPushRight:
      case TaskKind::kPushLeft:
        EXPECT_TRUE(n >= 57 && n <= 79) << task.name << " " << n;
        break;
      case TaskKind::kLiftFromDrawer:
        EXPECT_TRUE(n >= 17 && n <= 23) << task.name << " " << n;
        break;
      default:
        break;
    }
  }
}

TEST(PlaytableChains, FirstPositionMatchesCalvin) {
  std::map<std::string, int> first;
  for (const EvaluationChain& chain : CalvinChains()) ++first[PlaytableTasks()[chain.task_ids[0]].name];
  EXPECT_EQ(first.size(), 27u);
  EXPECT_EQ(first["open_drawer"], 115);
  EXPECT_EQ(first["move_slider_right"], 87);
}

TEST(PlaytableChains, EveryChainIsValidFromItsStartState) {
  std::vector<int> per_state(StartStates().size());
  for (const EvaluationChain& chain : CalvinChains()) {
    ASSERT_GE(chain.start_state_index, 0);
    ASSERT_LT(chain.start_state_index, 192);
    EXPECT_EQ(chain.start_state, StartStates()[chain.start_state_index]);
    ++per_state[chain.start_state_index];
    // Replayed through MatchRules, independently of the generator's check.
    SymbolicState state = chain.start_state;
    std::set<int> categories;
    for (int id : chain.task_ids) {
      const std::vector<RuleMatch> matches = MatchRules(state, id);
      ASSERT_EQ(matches.size(), 1u) << PlaytableTasks()[id].name << " from " << DictValuesText(state);
      state = matches[0].next;
      categories.insert(PlaytableTasks()[id].category);
    }
    EXPECT_EQ(categories.size(), static_cast<std::size_t>(kChainLength));
    EXPECT_TRUE(IsValidChain(chain));
  }
  // np.array_split(range(1000), 192): 40 states with 6 chains, 152 with 5.
  for (int s = 0; s < 192; ++s) EXPECT_EQ(per_state[s], s < 40 ? 6 : 5) << s;
}

TEST(PlaytableChains, GenerationIsReproducibleAndPinned) {
  // One thread against the default: neither a rerun nor the thread count
  // changes the chains.
  const std::vector<EvaluationChain> again = GenerateChains(kCalvinChainCount, 1);
  EXPECT_EQ(ChainsText(again), ChainsText(CalvinChains()));
  // Computed with this implementation once the facts above held.
  EXPECT_EQ(ChainsChecksum(CalvinChains()), "b4a7f25eb20870fb");
  const std::string text = ChainsText(CalvinChains());
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "1 1 left open slider_left table slider_right 0: rotate_blue_block_right move_slider_right "
            "lift_red_block_slider place_in_slider turn_off_lightbulb");
  EXPECT_TRUE(GenerateChains(0).empty());
  EXPECT_EQ(GenerateChains(10).size(), 10u);
}

// --- start scenes --------------------------------------------------------------

TEST(PlaytableStartScene, Fnv1MatchesAPythonReference) {
  // h = 0x811C9DC5; per byte: h = h * 0x01000193 mod 2**32; h ^= byte
  EXPECT_EQ(Fnv1Hash32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1Hash32("a"), 0x050c5d7eu);
  EXPECT_EQ(Fnv1Hash32("dict_values([1, 1, 'left', 'open', 'slider_left', 'table', 'slider_right', 0])"),
            0xfe2c4cf1u);
}

void ExpectPosition(const std::array<double, 3>& actual, const std::array<double, 3>& expected, const char* what) {
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(actual[i], expected[i]) << what << " [" << i << "]";
}

const std::array<double, 3> kSpot0 = {0.05, -0.12, 0.45999};
const std::array<double, 3> kSpot1 = {0.23, -0.12, 0.45999};
const std::array<double, 3> kSliderRight = {0.0703, 0.0924, 0.4610};
const std::array<double, 3> kSliderLeft = {-0.2409, 0.0924, 0.4610};

TEST(PlaytableStartScene, MatchesNumpyForKnownStates) {
  // Computed with numpy: seed = FNV-1 of the text, shuffle the two spots,
  // three uniforms in red, blue, pink order.
  const SymbolicState chain0 = State(1, 1, SS::kLeft, DS::kOpen, BP::kSliderLeft, BP::kTable, BP::kSliderRight);
  const StartScene a = BuildStartScene(chain0);
  ExpectPosition(a.block_positions[kRed], kSliderLeft, "red");
  ExpectPosition(a.block_positions[kBlue], kSpot0, "blue");  // red is off the table, spots unswapped
  ExpectPosition(a.block_positions[kPink], kSliderRight, "pink");
  EXPECT_EQ(a.block_yaws[kRed], 1.2454822106718169);
  EXPECT_EQ(a.block_yaws[kBlue], 1.4320937764380666);
  EXPECT_EQ(a.block_yaws[kPink], 1.3486764247069594);
  EXPECT_EQ(a.slider, 0.28);
  EXPECT_EQ(a.drawer, 0.22);
  EXPECT_EQ(a.button, 0.0);
  EXPECT_EQ(a.switch_joint, 0.088);
  EXPECT_EQ(a.lightbulb, 1);
  EXPECT_EQ(a.led, 1);

  // Start state 12: its seed swaps the two table spots.
  const SymbolicState& s12 = StartStates()[12];
  ASSERT_EQ(DictValuesText(s12), "dict_values([0, 0, 'right', 'open', 'table', 'table', 'slider_right', 0])");
  EXPECT_EQ(StartSceneSeed(s12), 3907504753u);
  const StartScene b = BuildStartScene(s12);
  ExpectPosition(b.block_positions[kRed], kSpot1, "red");
  ExpectPosition(b.block_positions[kBlue], kSpot0, "blue");
  ExpectPosition(b.block_positions[kPink], kSliderRight, "pink");
  EXPECT_EQ(b.block_yaws[kRed], 1.498281457138181);
  EXPECT_EQ(b.block_yaws[kBlue], 1.803564039381361);
  EXPECT_EQ(b.block_yaws[kPink], 1.7352631176924826);
  EXPECT_EQ(b.slider, 0.0);
  EXPECT_EQ(b.drawer, 0.22);
  EXPECT_EQ(b.switch_joint, 0.0);
  EXPECT_EQ(b.lightbulb, 0);
  EXPECT_EQ(b.led, 0);
}

TEST(PlaytableStartScene, EveryStartStateUsesCalvinsSpots) {
  const double pi = 3.14159265358979323846;
  for (const SymbolicState& s : StartStates()) {
    const StartScene scene = BuildStartScene(s);
    const std::string text = DictValuesText(s);
    std::set<std::array<double, 3>> table_spots_used;
    for (int b = 0; b < kBlockCount; ++b) {
      const std::array<double, 3>& p = scene.block_positions[b];
      switch (s.blocks[b]) {
        case BP::kSliderRight:
          EXPECT_EQ(p, kSliderRight) << text;
          break;
        case BP::kSliderLeft:
          EXPECT_EQ(p, kSliderLeft) << text;
          break;
        default:
          EXPECT_TRUE(p == kSpot0 || p == kSpot1) << text;
          table_spots_used.insert(p);
          break;
      }
      EXPECT_GE(scene.block_yaws[b], pi / 2 - pi / 8) << text;
      EXPECT_LT(scene.block_yaws[b], pi / 2 + pi / 8) << text;
    }
    // Two blocks on the table never share a spot.
    EXPECT_EQ(static_cast<long>(table_spots_used.size()), std::count(s.blocks.begin(), s.blocks.end(), BP::kTable))
        << text;
    EXPECT_EQ(scene.slider, s.slider == SS::kLeft ? 0.28 : 0.0);
    EXPECT_EQ(scene.drawer, s.drawer == DS::kOpen ? 0.22 : 0.0);
    EXPECT_EQ(scene.button, 0.0);
    EXPECT_EQ(scene.switch_joint, s.lightbulb == 1 ? 0.088 : 0.0);
    EXPECT_EQ(scene.tcp_position, (std::array<double, 3>{0.02587, -0.23131, 0.57128}));
    EXPECT_EQ(scene.tcp_euler, (std::array<double, 3>{3.09045, -0.02909, 1.50014}));
    EXPECT_EQ(scene.gripper_width, 0.08);
    EXPECT_EQ(scene.arm_joints,
              (std::array<double, 7>{-1.21779, 1.03988, 2.11978, -2.34205, -0.87016, 1.64119, 0.55345}));
    EXPECT_EQ(scene.gripper_action, 1.0);
    // Deterministic: the seed comes from the state alone.
    const StartScene again = BuildStartScene(s);
    EXPECT_EQ(again.block_positions, scene.block_positions);
    EXPECT_EQ(again.block_yaws, scene.block_yaws);
  }
}

}  // namespace
}  // namespace gauntlet::envs::playtable
