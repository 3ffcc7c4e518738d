// Applies a perturbation variant to a built tabletop world at reset, and
// restores the unperturbed scene for the next episode. Everything it changes
// is in the model's visual fields (camera, lights, materials) or, for
// robot_init, the arm's joints after the object state is restored: never the
// physics of the objects. Camera, light and robot_init are the shared
// ArmAndViewPerturber's (agentview about the table's centre, the key light,
// the Panda's joints); background (table texture, walls) is the tabletop's.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <optional>
#include <vector>

#include "envs/perturbations/arm_and_view_perturber.h"
#include "envs/tabletop/scene_builder.h"
#include "harness/perturbation.h"
#include "harness/result.h"

namespace gauntlet::envs::tabletop {

class ScenePerturber {
 public:
  // Reads the defaults to restore from the freshly compiled model.
  ScenePerturber(const mjModel* m, const ArenaSpec& arena, std::array<int, 7> arm_qpos, std::array<int, 7> arm_dof);

  // Model-side changes (camera, light, background), before mj_forward.
  Status ApplyToModel(mjModel* m, const std::optional<Perturbation>& p) const;
  // State-side changes (robot_init) on the restored initial state.
  Status ApplyToState(const mjModel* m, mjData* d, const std::optional<Perturbation>& p) const;

 private:
  void Restore(mjModel* m) const;

  ArmAndViewPerturber shared_;  // camera, light, robot_init
  std::array<int, 7> arm_qpos_, arm_dof_;
  int table_geom_ = -1, table_mat_ = -1;
  std::array<float, 4> table_rgba_{};
  std::vector<int> walls_;
  int wall_mat_ = -1;
};

}  // namespace gauntlet::envs::tabletop
