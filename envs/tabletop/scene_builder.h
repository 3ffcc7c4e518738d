// Scene builder: composes the arena (table or floor, lights, cameras), the
// robot and the task's fixtures and objects into one MJCF model per task.
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

// Arena facts of LIBERO_Tabletop_Manipulation (benchmarks.md §1.3, §1.4).
inline constexpr double kTableTop = 0.90;
inline constexpr double kTableLength = 1.0, kTableWidth = 1.2;
inline constexpr const char* kTableName = "main_table";
inline constexpr const char* kAgentviewCamera = "agentview";

// What a LIBERO problem class fixes about the world: the surface that table
// regions belong to, the table under it, where the arm stands and where
// agentview looks from. Regions of the surface are in a frame centred on it
// at `surface_z`, which is also the world's origin in x and y.
struct ArenaSpec {
  const char* problem_class;         // BDDL (problem ...) name
  const char* surface;               // region target and fixture name: "main_table", "floor"
  const char* surface_category;      // that fixture's category in :fixtures: "table", "floor"
  double surface_z;                  // world z of the surface objects stand on, metres
  // The table carrying the surface, centred under it: length (x), width (y)
  // and thickness of its top, metres; all 0 when objects stand on the floor.
  std::array<double, 3> table_size;
  const char* table_rgba;            // colour of the table top
  std::array<double, 3> robot_base;  // world position of the arm's base (link0), metres
  bool robot_pedestal;               // draw a column from the floor up to the base (visual only)
  std::array<double, 3> camera_pos;  // agentview, world frame, metres
  std::array<double, 4> camera_quat; // agentview, w x y z
  // Initial states: redraw an object's position in its region while its
  // footprint circle overlaps one placed before it (LIBERO's placement
  // samplers do). Off for the tabletop, whose stored states were made
  // without it: there the settling check alone rejects colliding objects.
  bool separate_footprints;

  bool has_table() const { return table_size[0] > 0; }
};

// The supported problem classes; nullptr for another.
const ArenaSpec* FindArena(const std::string& problem_class);
std::vector<std::string> SupportedProblemClasses();

struct TabletopScene {
  BddlTask task;
  const ArenaSpec* arena = nullptr;
  std::vector<SceneInstance> fixtures;  // the table or floor is the arena, not listed
  std::vector<SceneInstance> objects;   // free bodies
  std::array<double, 3> robot_base{};
  double surface_z = 0;                 // world z of the surface (table top or floor)
  std::string mjcf;
};

// Errors name the task file and the line of the offending declaration.
Result<TabletopScene> BuildScene(const BddlTask& task, const SceneOptions& options);

}  // namespace gauntlet::envs::tabletop
