// The play table's four desks (CALVIN's scenes A, B, C and D) as data: where
// each part sits along the desk, how far the sliding door travels, the block
// sizes and the desk's colour. Everything else about the desk (heights,
// depths, the parts' shapes) is common to all four and lives in
// playtable_scene.cc.
//
// World metres: CALVIN's URDF values times its global scaling of 0.8.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "envs/playtable/playtable_tasks.h"
#include "harness/result.h"

namespace gauntlet::envs::playtable {

inline constexpr double kUrdfScale = 0.8;  // CALVIN's global_scaling

struct DeskLayout {
  std::string name;              // "D"
  // Joint (link origin) x of each part, world metres.
  double button_x = 0;           // the button and its LED
  double switch_x = 0;           // the switch and its light bulb
  double slider_x = 0;           // the sliding door
  double drawer_x = 0;
  double plank_x = 0;            // the shelf behind the sliding door
  double slider_range = 0.28;    // the door's travel, metres
  double bulb_y = 0.165 * kUrdfScale;
  // Full sizes (x, y, z) of the red, blue and pink block, metres.
  std::array<std::array<double, 3>, kBlockCount> block_size{};
  std::array<double, 3> desk_rgb{};  // the mean colour of the scene's desk texture
};

// Scenes A, B, C, D; D (the evaluation scene) first is not implied: look up by name.
const std::vector<DeskLayout>& DeskLayouts();
// "A".."D"; errors list the known scenes.
Result<const DeskLayout*> FindDeskLayout(const std::string& name);
inline constexpr const char* kEvaluationScene = "D";

}  // namespace gauntlet::envs::playtable
