// The play table as CALVIN's chain generator sees it: a handful of discrete
// variables (lights, slider side, drawer, where each block is, whether the
// robot holds one), the 192 states an evaluation chain may start from, and
// each task's rules (precondition -> effect). A chain is valid when every
// task, applied in order, matches exactly one of its rules and the five
// tasks have distinct categories (chain_generator.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "envs/playtable/playtable_tasks.h"

namespace gauntlet::envs::playtable {

// Enumerator order is CALVIN's value order where it enumerates start states
// (slider right before left, drawer closed before open, table before the
// slider sides), so the start states come out in its order.
enum class SliderSide : std::uint8_t { kRight, kLeft };
enum class DrawerState : std::uint8_t { kClosed, kOpen };
enum class BlockPlace : std::uint8_t {
  kTable, kSliderRight, kSliderLeft, kDrawer, kGrasped, kStackedTop, kStackedBottom,
};
inline constexpr int kBlockPlaceCount = 7;

// CALVIN's spellings: "right", "closed", "slider_left", "stacked_top", ...
const char* SliderSideName(SliderSide side);
const char* DrawerStateName(DrawerState drawer);
const char* BlockPlaceName(BlockPlace place);

struct SymbolicState {
  int led = 0;        // 0 off, 1 on
  int lightbulb = 0;  // 0 off, 1 on
  SliderSide slider = SliderSide::kRight;
  DrawerState drawer = DrawerState::kClosed;
  std::array<BlockPlace, kBlockCount> blocks{};  // indexed by Block (red, blue, pink)
  int grasped = 0;    // 1 while the robot holds a block

  bool operator==(const SymbolicState& o) const {
    return led == o.led && lightbulb == o.lightbulb && slider == o.slider && drawer == o.drawer &&
           blocks == o.blocks && grasped == o.grasped;
  }
  bool operator!=(const SymbolicState& o) const { return !(*this == o); }
};

// The 192 start states, in CALVIN's order: itertools.product over led,
// lightbulb, slider, drawer, red, blue, pink (each block on the table or a
// slider side), grasped=0 — led varying slowest, pink fastest — keeping the
// states with one or two blocks on the table and at most one block on each
// slider side. A chain's start-state index points into this list.
const std::vector<SymbolicState>& StartStates();

// Python's str(state_dict.values()), e.g.
// "dict_values([1, 1, 'left', 'open', 'slider_left', 'table', 'slider_right', 0])".
// CALVIN hashes this text into the seed of a start scene (start_scene.h).
std::string DictValuesText(const SymbolicState& state);

// A bit set over BlockPlace values (bit p accepts place p).
using BlockPlaceSet = std::uint8_t;
constexpr BlockPlaceSet PlaceBit(BlockPlace p) { return static_cast<BlockPlaceSet>(1u << static_cast<int>(p)); }
inline constexpr BlockPlaceSet kAnyPlace = (1u << kBlockPlaceCount) - 1;

// One precondition -> effect pair. An unset condition field accepts any
// value; an unset effect field leaves the variable as it is.
struct SymbolicRule {
  struct Condition {
    std::optional<int> led, lightbulb;
    std::optional<SliderSide> slider;
    std::optional<DrawerState> drawer;
    std::array<BlockPlaceSet, kBlockCount> blocks{kAnyPlace, kAnyPlace, kAnyPlace};
    std::optional<int> grasped;
  } condition;
  struct Effect {
    std::optional<int> led, lightbulb;
    std::optional<SliderSide> slider;
    std::optional<DrawerState> drawer;
    std::array<std::optional<BlockPlace>, kBlockCount> blocks;
    std::optional<int> grasped;
  } effect;
};

// The rules of task `task_id` (an index into PlaytableTasks()), in CALVIN's
// order; the order only matters for which rule MatchRules names first.
const std::vector<SymbolicRule>& SymbolicRules(int task_id);

bool SatisfiesCondition(const SymbolicState& state, const SymbolicRule::Condition& condition);
SymbolicState ApplyEffect(SymbolicState state, const SymbolicRule::Effect& effect);

// CALVIN's valid_task: every rule of the task whose condition holds in
// `state`, in rule order, with the state its effect leads to.
struct RuleMatch {
  int rule = 0;  // index into SymbolicRules(task_id)
  SymbolicState next;
};
std::vector<RuleMatch> MatchRules(const SymbolicState& state, int task_id);

// The chain generator's acceptance of one task: the successor state when
// exactly one rule matches, nullopt when none or several do. Equivalent to
// MatchRules but allocation-free, for the generator's rejection loop.
std::optional<SymbolicState> ApplyTask(const SymbolicState& state, int task_id);

}  // namespace gauntlet::envs::playtable
