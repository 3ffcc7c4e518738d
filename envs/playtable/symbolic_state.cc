#include "envs/playtable/symbolic_state.h"

#include <algorithm>

#include "harness/check.h"

namespace gauntlet::envs::playtable {

const char* SliderSideName(SliderSide side) { return side == SliderSide::kRight ? "right" : "left"; }

const char* DrawerStateName(DrawerState drawer) { return drawer == DrawerState::kClosed ? "closed" : "open"; }

const char* BlockPlaceName(BlockPlace place) {
  static const char* names[kBlockPlaceCount] = {"table",   "slider_right", "slider_left",   "drawer",
                                                "grasped", "stacked_top",  "stacked_bottom"};
  return names[static_cast<int>(place)];
}

const std::vector<SymbolicState>& StartStates() {
  static const std::vector<SymbolicState> states = [] {
    // The start places in CALVIN's value order; nested loops in key order
    // reproduce itertools.product (last key fastest).
    const BlockPlace places[] = {BlockPlace::kTable, BlockPlace::kSliderRight, BlockPlace::kSliderLeft};
    std::vector<SymbolicState> out;
    for (int led : {0, 1})
      for (int bulb : {0, 1})
        for (SliderSide slider : {SliderSide::kRight, SliderSide::kLeft})
          for (DrawerState drawer : {DrawerState::kClosed, DrawerState::kOpen})
            for (BlockPlace red : places)
              for (BlockPlace blue : places)
                for (BlockPlace pink : places) {
                  const std::array<BlockPlace, kBlockCount> blocks = {red, blue, pink};
                  const auto on = [&](BlockPlace p) { return std::count(blocks.begin(), blocks.end(), p); };
                  const auto table = on(BlockPlace::kTable);
                  if (table < 1 || table > 2 || on(BlockPlace::kSliderRight) > 1 || on(BlockPlace::kSliderLeft) > 1) {
                    continue;
                  }
                  out.push_back({led, bulb, slider, drawer, blocks, 0});
                }
    return out;
  }();
  return states;
}

std::string DictValuesText(const SymbolicState& s) {
  const auto quoted = [](const char* name) { return std::string("'") + name + "'"; };
  std::string text = "dict_values([" + std::to_string(s.led) + ", " + std::to_string(s.lightbulb) + ", " +
                     quoted(SliderSideName(s.slider)) + ", " + quoted(DrawerStateName(s.drawer));
  for (BlockPlace place : s.blocks) text += ", " + quoted(BlockPlaceName(place));
  return text + ", " + std::to_string(s.grasped) + "])";
}

namespace {

// CALVIN's rule table (multistep_sequences.py), one builder per task kind.
// Every rule requires grasped=0 except the three that act on a held block
// (place in slider, place in drawer, stack), which require grasped=1.
std::vector<SymbolicRule> BuildRules(const PlaytableTask& task) {
  using Rule = SymbolicRule;
  const int b = task.block;
  const auto idle = [] {  // a rule that needs empty hands
    Rule r;
    r.condition.grasped = 0;
    return r;
  };
  const auto holding = [](int block) {  // a rule that needs `block` in hand
    Rule r;
    r.condition.grasped = 1;
    r.condition.blocks[block] = PlaceBit(BlockPlace::kGrasped);
    return r;
  };
  const auto others = [](int block) {  // the two blocks other than `block`, in block order
    std::vector<int> rest;
    for (int o = 0; o < kBlockCount; ++o)
      if (o != block) rest.push_back(o);
    return rest;
  };
  std::vector<Rule> rules;
  switch (task.kind) {
    // Rotating or pushing a block leaves it on the table: symbolically a no-op
    // that only needs the block there.
    case TaskKind::kRotateRight:
    case TaskKind::kRotateLeft:
    case TaskKind::kPushRight:
    case TaskKind::kPushLeft: {
      Rule r = idle();
      r.condition.blocks[b] = PlaceBit(BlockPlace::kTable);
      r.effect.blocks[b] = BlockPlace::kTable;
      rules.push_back(r);
      break;
    }
    case TaskKind::kMoveSliderLeft:
    case TaskKind::kMoveSliderRight: {
      const bool left = task.kind == TaskKind::kMoveSliderLeft;
      Rule r = idle();
      r.condition.slider = left ? SliderSide::kRight : SliderSide::kLeft;
      r.effect.slider = left ? SliderSide::kLeft : SliderSide::kRight;
      rules.push_back(r);
      break;
    }
    case TaskKind::kOpenDrawer:
    case TaskKind::kCloseDrawer: {
      const bool open = task.kind == TaskKind::kOpenDrawer;
      Rule r = idle();
      r.condition.drawer = open ? DrawerState::kClosed : DrawerState::kOpen;
      r.effect.drawer = open ? DrawerState::kOpen : DrawerState::kClosed;
      rules.push_back(r);
      break;
    }
    case TaskKind::kLiftFromTable:
    case TaskKind::kLiftFromSlider:
    case TaskKind::kLiftFromDrawer: {
      Rule lift = idle();
      lift.effect.blocks[b] = BlockPlace::kGrasped;
      lift.effect.grasped = 1;
      if (task.kind == TaskKind::kLiftFromTable) {
        lift.condition.blocks[b] = PlaceBit(BlockPlace::kTable);
        rules.push_back(lift);
      } else if (task.kind == TaskKind::kLiftFromDrawer) {
        lift.condition.blocks[b] = PlaceBit(BlockPlace::kDrawer);
        lift.condition.drawer = DrawerState::kOpen;
        rules.push_back(lift);
      } else {
        // A block on one side of the shelf is reachable only while the
        // sliding door covers the other side.
        lift.condition.blocks[b] = PlaceBit(BlockPlace::kSliderLeft);
        lift.condition.slider = SliderSide::kRight;
        rules.push_back(lift);
        lift.condition.blocks[b] = PlaceBit(BlockPlace::kSliderRight);
        lift.condition.slider = SliderSide::kLeft;
        rules.push_back(lift);
      }
      break;
    }
    case TaskKind::kPlaceInSlider:
      // The block lands on the open side: the side the door is not on.
      for (int held = 0; held < kBlockCount; ++held) {
        for (SliderSide side : {SliderSide::kRight, SliderSide::kLeft}) {
          Rule r = holding(held);
          r.condition.slider = side;
          r.effect.blocks[held] = side == SliderSide::kRight ? BlockPlace::kSliderRight : BlockPlace::kSliderLeft;
          r.effect.grasped = 0;
          rules.push_back(r);
        }
      }
      break;
    case TaskKind::kPlaceInDrawer:
      for (int held = 0; held < kBlockCount; ++held) {
        Rule r = holding(held);
        r.condition.drawer = DrawerState::kOpen;
        r.effect.blocks[held] = BlockPlace::kDrawer;
        r.effect.grasped = 0;
        rules.push_back(r);
      }
      break;
    // Both run over the ordered (top, bottom) pairs (r,b), (r,p), (b,r),
    // (b,p), (p,r), (p,b).
    case TaskKind::kStack:
      for (int top = 0; top < kBlockCount; ++top) {
        for (int bottom : others(top)) {
          Rule r = holding(top);
          r.condition.blocks[bottom] = PlaceBit(BlockPlace::kTable);
          r.effect.blocks[top] = BlockPlace::kStackedTop;
          r.effect.blocks[bottom] = BlockPlace::kStackedBottom;
          r.effect.grasped = 0;
          rules.push_back(r);
        }
      }
      break;
    case TaskKind::kUnstack:
      for (int top = 0; top < kBlockCount; ++top) {
        for (int bottom : others(top)) {
          Rule r = idle();
          r.condition.blocks[top] = PlaceBit(BlockPlace::kStackedTop);
          r.condition.blocks[bottom] = PlaceBit(BlockPlace::kStackedBottom);
          r.effect.blocks[top] = BlockPlace::kTable;
          r.effect.blocks[bottom] = BlockPlace::kTable;
          rules.push_back(r);
        }
      }
      break;
    case TaskKind::kTurnOnLightbulb:
    case TaskKind::kTurnOffLightbulb: {
      const bool on = task.kind == TaskKind::kTurnOnLightbulb;
      Rule r = idle();
      r.condition.lightbulb = on ? 0 : 1;
      r.effect.lightbulb = on ? 1 : 0;
      rules.push_back(r);
      break;
    }
    case TaskKind::kTurnOnLed:
    case TaskKind::kTurnOffLed: {
      const bool on = task.kind == TaskKind::kTurnOnLed;
      Rule r = idle();
      r.condition.led = on ? 0 : 1;
      r.effect.led = on ? 1 : 0;
      rules.push_back(r);
      break;
    }
    case TaskKind::kPushIntoDrawer:
      // Only when the block is alone on the table (the other two on the
      // shelf) is it clear which block falls into the open drawer.
      for (int pushed = 0; pushed < kBlockCount; ++pushed) {
        Rule r = idle();
        r.condition.drawer = DrawerState::kOpen;
        r.condition.blocks[pushed] = PlaceBit(BlockPlace::kTable);
        for (int o : others(pushed)) {
          r.condition.blocks[o] = PlaceBit(BlockPlace::kSliderRight) | PlaceBit(BlockPlace::kSliderLeft);
        }
        r.effect.blocks[pushed] = BlockPlace::kDrawer;
        r.effect.grasped = 0;
        rules.push_back(r);
      }
      break;
  }
  GAUNTLET_CHECK(!rules.empty(), "task " + task.name + " has no symbolic rule");
  return rules;
}

const std::vector<std::vector<SymbolicRule>>& AllRules() {
  static const std::vector<std::vector<SymbolicRule>> rules = [] {
    std::vector<std::vector<SymbolicRule>> out;
    for (const PlaytableTask& task : PlaytableTasks()) out.push_back(BuildRules(task));
    return out;
  }();
  return rules;
}

template <typename T>
bool Accepts(const std::optional<T>& required, const T& value) {
  return !required || *required == value;
}

template <typename T>
void Assign(const std::optional<T>& effect, T& value) {
  if (effect) value = *effect;
}

}  // namespace

const std::vector<SymbolicRule>& SymbolicRules(int task_id) {
  const auto& rules = AllRules();
  GAUNTLET_CHECK(task_id >= 0 && task_id < static_cast<int>(rules.size()),
                 "task id " + std::to_string(task_id) + " out of range");
  return rules[static_cast<std::size_t>(task_id)];
}

bool SatisfiesCondition(const SymbolicState& s, const SymbolicRule::Condition& c) {
  for (int b = 0; b < kBlockCount; ++b) {
    if (!(c.blocks[b] & PlaceBit(s.blocks[b]))) return false;
  }
  return Accepts(c.led, s.led) && Accepts(c.lightbulb, s.lightbulb) && Accepts(c.slider, s.slider) &&
         Accepts(c.drawer, s.drawer) && Accepts(c.grasped, s.grasped);
}

SymbolicState ApplyEffect(SymbolicState s, const SymbolicRule::Effect& e) {
  Assign(e.led, s.led);
  Assign(e.lightbulb, s.lightbulb);
  Assign(e.slider, s.slider);
  Assign(e.drawer, s.drawer);
  for (int b = 0; b < kBlockCount; ++b) Assign(e.blocks[b], s.blocks[b]);
  Assign(e.grasped, s.grasped);
  return s;
}

std::vector<RuleMatch> MatchRules(const SymbolicState& state, int task_id) {
  std::vector<RuleMatch> matches;
  const std::vector<SymbolicRule>& rules = SymbolicRules(task_id);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (SatisfiesCondition(state, rules[i].condition)) {
      matches.push_back({static_cast<int>(i), ApplyEffect(state, rules[i].effect)});
    }
  }
  return matches;
}

std::optional<SymbolicState> ApplyTask(const SymbolicState& state, int task_id) {
  const SymbolicRule* match = nullptr;
  for (const SymbolicRule& rule : SymbolicRules(task_id)) {
    if (!SatisfiesCondition(state, rule.condition)) continue;
    if (match) return std::nullopt;  // ambiguous: CALVIN rejects it
    match = &rule;
  }
  if (!match) return std::nullopt;
  return ApplyEffect(state, match->effect);
}

}  // namespace gauntlet::envs::playtable
