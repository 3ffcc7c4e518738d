// Scene builder: composes the arena (table, lights, cameras), the robot and
// the task's fixtures and objects into one MJCF model per task.
//
// Fixtures are welded at the centre of their region and the middle of its yaw
// range, so one compiled model serves every initial state of a task; free
// objects get their poses from the task's fixed initial states.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "envs/tabletop/bddl_task.h"
#include "envs/tabletop/object_library.h"
#include "harness/result.h"

namespace gauntlet::envs::tabletop {

struct SceneOptions {
  int offscreen_width = 128;   // the largest image any camera will render
  int offscreen_height = 128;
  bool shadows = false;        // shadow maps roughly halve software rendering speed
};

struct SceneInstance {
  std::string name;
  const ObjectModel* model = nullptr;
  std::array<double, 3> pos{};  // fixtures: welded pose; objects: nominal pose
  double yaw = 0;
};

struct TabletopScene {
  BddlTask task;
  std::vector<SceneInstance> fixtures;  // the table is the arena, not listed
  std::vector<SceneInstance> objects;   // free bodies
  std::array<double, 3> robot_base{};
  double table_top = 0;                 // world z of the table surface
  std::string mjcf;
};

// Arena facts of LIBERO_Tabletop_Manipulation (benchmarks.md §1.3, §1.4).
inline constexpr double kTableTop = 0.90;
inline constexpr double kTableLength = 1.0, kTableWidth = 1.2;
inline constexpr const char* kTableName = "main_table";
inline constexpr const char* kAgentviewCamera = "agentview";

// Errors name the task file and the line of the offending declaration.
Result<TabletopScene> BuildScene(const BddlTask& task, const SceneOptions& options);

}  // namespace gauntlet::envs::tabletop
