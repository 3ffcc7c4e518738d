// Goal predicates with LIBERO's semantics (benchmarks.md §1.3), compiled once
// per model into ids and evaluated after every control step.
//
//   On(a, object b): z_b <= z_a, a touches b, |xy_a - xy_b| < 0.03
//   On(a, site s):   d = R_s^T (p_a - p_s); h_z - 0.005 < d_z < h_z + 0.10, |d_x| < h_x,
//                    |d_y| < h_y, and a touches the site's owner (if not the table)
//   In(a, site s):   p_a inside the site box, its lower face lowered by 0.01
//   Up(a):           z_a >= 1.0
//   Open / Close:    any / all joints of the site's body (or instance) past the
//                    category's open / closed threshold
//   TurnOn / TurnOff: any / all joints of the instance past on / off thresholds
// Positions are body origins, as in LIBERO.
#pragma once

#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/tabletop/scene_builder.h"
#include "harness/result.h"

namespace gauntlet::envs::tabletop {

class GoalEvaluator {
 public:
  // Errors name the task file and line of an atom that cannot be evaluated.
  static Result<GoalEvaluator> Compile(const mjModel* m, const TabletopScene& scene,
                                       const std::vector<BddlAtom>& atoms);

  // True when every atom holds. Needs positions and contacts of `d` (mj_forward).
  bool AllHold(const mjModel* m, const mjData* d) const;
  bool Holds(const mjModel* m, const mjData* d, int atom) const;
  int size() const { return static_cast<int>(atoms_.size()); }

 private:
  enum class Kind { kOnObject, kOnSite, kIn, kUp, kOpen, kClose, kTurnOn, kTurnOff };
  struct Compiled {
    Kind kind;
    int body = -1;        // a
    int other_body = -1;  // b (On object)
    int site = -1;
    int owner = -1;       // instance index whose geoms a must touch (-1: none)
    int instance = -1;    // instance index of a
    std::vector<int> joint_qpos;  // Open/Close/TurnOn/TurnOff
    double threshold = 0;
  };
  bool Touching(const mjData* d, int instance_a, int instance_b) const;
  bool Evaluate(const mjModel* m, const mjData* d, const Compiled& atom) const;

  std::vector<Compiled> atoms_;
  std::vector<int> geom_instance_;  // geom id -> instance index (-1: robot, arena)
};

}  // namespace gauntlet::envs::tabletop
