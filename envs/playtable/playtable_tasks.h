// The play table's 34 tasks (CALVIN's task set): names, what kind of rule
// decides success, the block a rule is about, the category the chain
// generator keeps distinct within a chain, and the instruction an evaluation
// gives. The order is CALVIN's task order (its chain generator draws task
// indices in this order, so it is part of the data, not a presentation).
#pragma once

#include <string>
#include <vector>

namespace gauntlet::envs::playtable {

// Blocks in CALVIN's order (scene_obs lists them so).
inline constexpr int kBlockCount = 3;
enum Block : int { kRed = 0, kBlue = 1, kPink = 2 };
const char* BlockName(int block);  // "red", "blue", "pink"

enum class TaskKind {
  kRotateRight, kRotateLeft, kPushRight, kPushLeft,
  kMoveSliderLeft, kMoveSliderRight, kOpenDrawer, kCloseDrawer,
  kLiftFromTable, kLiftFromSlider, kLiftFromDrawer,
  kPlaceInSlider, kPlaceInDrawer, kStack, kUnstack,
  kTurnOnLightbulb, kTurnOffLightbulb, kTurnOnLed, kTurnOffLed,
  kPushIntoDrawer,
};

struct PlaytableTask {
  int id = 0;               // position in PlaytableTasks()
  std::string name;         // "rotate_red_block_right"
  TaskKind kind;
  int block = -1;           // the block the rule is about; -1 = none or any
  int category = 0;         // 1..11; at most one task per category in a chain
  std::string instruction;  // the evaluation instruction
};

// All 34, in CALVIN's order.
const std::vector<PlaytableTask>& PlaytableTasks();
// nullptr when `name` is not one of them.
const PlaytableTask* FindPlaytableTask(const std::string& name);

}  // namespace gauntlet::envs::playtable
