// Where a task's objects start, per seed: RoboTwin's placement ranges and
// constraints (robotwin_family.md B.7), drawn from the seed's own
// "dualarm/placement/<task>" stream, so the same (task, seed) gives the same
// objects, sizes, colours and poses on every machine and in every setting
// (clean or randomized: the workspace draws from other streams).
//
// World frame (RoboTwin's): table centre at the origin, +y away from the
// robot (which sits at y = -0.65), the robot's left at -x. Poses are on the
// table: an object's origin rests on the table top, wherever the randomized
// setting puts that top.
//
// Every layout keeps all footprints (FootprintRadius) at least
// kFootprintClearance apart, and never starts out already satisfying its
// task's success rule. Draws that break a constraint are redrawn whole (all
// objects of the attempt), up to kMaxPlacementAttempts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/dualarm/dualarm_tasks.h"
#include "envs/dualarm/task_objects.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

inline constexpr double kFootprintClearance = 0.01;  // metres between footprint circles
inline constexpr int kMaxPlacementAttempts = 10000;

// A disc of the table that a moving part sweeps (a door, a drawer): clutter
// stays out of it.
struct KeepClear {
  double x = 0, y = 0, radius = 0;
};

struct TaskLayout {
  std::string task;
  std::uint64_t seed = 0;
  std::vector<TaskObject> objects;
  // The arm that acts: single-arm tasks, the grasping arm of a handover, the
  // placing arm of put_object_cabinet; kLeft where both work alike.
  ArmSide lead_arm = ArmSide::kLeft;
  // Instruction placeholders: "A" -> "the red bowl", ...
  std::map<std::string, std::string> placeholders;
  std::vector<KeepClear> keep_clear;

  // The object called `name`; nullptr if there is none.
  const TaskObject* Find(const std::string& name) const;
  // The same, failing a check when absent (a family bug, not bad input).
  const TaskObject& Get(const std::string& name) const;
};

// The layout of `task` for `seed`.
TaskLayout SampleLayout(const DualarmTask& task, std::uint64_t seed);
Result<TaskLayout> SampleLayout(const std::string& task, std::uint64_t seed);

// The layout's bodies as MJCF (for the worldbody), resting on a table top at
// `table_top_z`.
std::string LayoutMjcf(const TaskLayout& layout, double table_top_z);

// Puts the compiled model's objects back where the layout starts them: free
// joints at their pose on a table top at `table_top_z`, at rest, and the
// microwave door and cabinet drawer closed. Then mj_forward.
Status WriteLayoutState(const mjModel* m, mjData* d, const TaskLayout& layout, double table_top_z);

// "the red bowl": the article, the colour and ObjectNoun.
std::string Describe(const TaskObject& object);

}  // namespace gauntlet::envs::dualarm
