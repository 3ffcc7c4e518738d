#include "envs/playtable/playtable_tasks.h"

namespace gauntlet::envs::playtable {

const char* BlockName(int block) {
  static const char* names[kBlockCount] = {"red", "blue", "pink"};
  return block >= 0 && block < kBlockCount ? names[block] : "none";
}

namespace {

std::vector<PlaytableTask> BuildTasks() {
  std::vector<PlaytableTask> tasks;
  auto add = [&](std::string name, TaskKind kind, int block, int category, std::string instruction) {
    tasks.push_back({static_cast<int>(tasks.size()), std::move(name), kind, block, category, std::move(instruction)});
  };
  for (int b = 0; b < kBlockCount; ++b) {
    const std::string c = BlockName(b);
    add("rotate_" + c + "_block_right", TaskKind::kRotateRight, b, 1, "take the " + c + " block and rotate it to the right");
    add("rotate_" + c + "_block_left", TaskKind::kRotateLeft, b, 1, "take the " + c + " block and rotate it to the left");
  }
  for (int b = 0; b < kBlockCount; ++b) {
    const std::string c = BlockName(b);
    add("push_" + c + "_block_right", TaskKind::kPushRight, b, 1, "go push the " + c + " block right");
    add("push_" + c + "_block_left", TaskKind::kPushLeft, b, 1, "go push the " + c + " block left");
  }
  add("move_slider_left", TaskKind::kMoveSliderLeft, -1, 2, "push the sliding door to the left side");
  add("move_slider_right", TaskKind::kMoveSliderRight, -1, 2, "push the sliding door to the right side");
  add("open_drawer", TaskKind::kOpenDrawer, -1, 3, "pull the handle to open the drawer");
  add("close_drawer", TaskKind::kCloseDrawer, -1, 3, "push the handle to close the drawer");
  for (int b = 0; b < kBlockCount; ++b) {
    const std::string c = BlockName(b);
    add("lift_" + c + "_block_table", TaskKind::kLiftFromTable, b, 4, "grasp and lift the " + c + " block");
    add("lift_" + c + "_block_slider", TaskKind::kLiftFromSlider, b, 5, "lift the " + c + " block from the sliding cabinet");
    add("lift_" + c + "_block_drawer", TaskKind::kLiftFromDrawer, b, 6, "Take the " + c + " block from the drawer");
  }
  add("place_in_slider", TaskKind::kPlaceInSlider, -1, 7, "store the grasped block in the sliding cabinet");
  add("place_in_drawer", TaskKind::kPlaceInDrawer, -1, 7, "store the grasped block in the drawer");
  add("stack_block", TaskKind::kStack, -1, 10, "stack the grasped block");
  add("unstack_block", TaskKind::kUnstack, -1, 11, "remove the stacked block");
  add("turn_on_lightbulb", TaskKind::kTurnOnLightbulb, -1, 8, "use the switch to turn on the light bulb");
  add("turn_off_lightbulb", TaskKind::kTurnOffLightbulb, -1, 8, "use the switch to turn off the light bulb");
  add("turn_on_led", TaskKind::kTurnOnLed, -1, 8, "press the button to turn on the led light");
  add("turn_off_led", TaskKind::kTurnOffLed, -1, 8, "press the button to turn off the led light");
  add("push_into_drawer", TaskKind::kPushIntoDrawer, -1, 9, "slide the block that it falls into the drawer");
  return tasks;
}

}  // namespace

const std::vector<PlaytableTask>& PlaytableTasks() {
  static const std::vector<PlaytableTask> tasks = BuildTasks();
  return tasks;
}

const PlaytableTask* FindPlaytableTask(const std::string& name) {
  for (const PlaytableTask& t : PlaytableTasks()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace gauntlet::envs::playtable
