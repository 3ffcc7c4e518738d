// The 16 tasks' success rules (robotwin_family.md B.7, paraphrasing
// RoboTwin's check_success()), re-implemented on a compiled scene.
//
// A rule reads the scene through mjData (body origins, the objects'
// functional-point sites, joint positions, contacts) as the last mj_step or
// mj_forward left it, and the grippers through their *commanded* values, as
// RoboTwin does: per arm a value in [0, 1], 1 open; open means > 0.8, closed
// < 0.2. Heights are absolute world z as in RoboTwin (its thresholds assume
// the clean table top at 0.74), with every object's origin at the centre of
// its footprint (task_objects.h).
//
//   place_container_plate  container origin within (0.05, 0.05, 0.03) of the
//                          plate's top, per axis; both grippers open
//   open_microwave         door angle >= 0.6 x its upper limit
//   click_bell             latched: a contact of a gripper body with the bell
//                          within 0.025 (xy) and 0.03 (z) of its top
//   move_can_pot           the can beside the pot on the can's starting side
//                          (0 < side x (can - pot) < 0.2), |dy| < 0.035,
//                          upright within 15 degrees, origin within 0.01 of
//                          the table top; both grippers open
//   place_a2b_left/right   0.08 < xy distance < 0.2, |dy| < 0.05, A left
//                          (smaller x) / right of B; both grippers open
//   place_empty_cup        cup origin within 0.035 (xy) and 0.015 (z) of the
//                          coaster's top; both grippers open
//   stack_blocks_two       green centre - (red centre + (0, 0, 0.05)) within
//                          (0.025, 0.025, 0.012) per axis; both grippers open
//   blocks_ranking_rgb     red, green, blue centres: consecutive |dx| < 0.13
//                          and |dy| < 0.03, x_red < x_green < x_blue; both
//                          grippers open
//   handover_block         box end0 within 0.03 (xy) and 0.01 (z) of the
//                          pad's top; right gripper open
//   handover_mic           receiving gripper closed, grasping gripper open,
//                          mic origin z > 0.92 and on the receiver's side of x = 0
//   lift_pot               pot origin z > 0.82, each arm's TCP within 0.03 of
//                          its handle (left arm, -x handle), pot z axis . world
//                          z > 0.8
//   grab_roller            both grippers closed, roller origin z > 0.8
//   pick_dual_bottles      each bottle's centre within 0.1 in x and in y of
//                          (-+0.06, -0.105) and above z = 0.89
//   place_cans_plasticbox  the two cans' origins within 0.04 (xy) of the two
//                          slots, one can per slot; both grippers open
//   put_object_cabinet     object centre within 0.05 (xy) of the drawer point,
//                          0.007 < dz < 0.12 above it; placing gripper open
#pragma once

#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/dualarm/placement_sampler.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

inline constexpr double kGripperOpenAbove = 0.8;
inline constexpr double kGripperClosedBelow = 0.2;

// Commanded gripper values, [0, 1], 1 open.
struct GripperCommands {
  double left = 1;
  double right = 1;
};

// What the rules need to know of the robot: per arm its tool centre point
// site and the bodies of its gripper (fingers, palm).
struct ArmBinding {
  std::string tcp_site;
  std::vector<std::string> gripper_bodies;
};
struct RobotBinding {
  ArmBinding left;
  ArmBinding right;
};

// The binding of every embodiment embodiment_mjcf.h builds: per side its
// `<side>_tcp` site, and link 6 (which carries the palm) and both fingers as
// the gripper's bodies.
RobotBinding EmbodimentBinding();

// Per-episode state of a rule: the click_bell latch. Reset per episode.
struct SuccessState {
  bool latched = false;
};

// One task's rule, resolved against a compiled scene. Immutable after
// Compile; share it between workers of the same model.
class SuccessRule {
 public:
  // Fails naming the missing body, site or joint. The robot binding is read
  // only by the rules that need it (click_bell, lift_pot); others accept an
  // empty one.
  static Result<SuccessRule> Compile(const mjModel* m, const TaskLayout& layout, const RobotBinding& robot);

  // Whether the task is done in (m, d) with `grippers` commanded. Updates
  // `state` (a latch, once set, stays set).
  bool Evaluate(const mjModel* m, const mjData* d, const GripperCommands& grippers, SuccessState& state) const;

  const std::string& task() const { return task_; }

 private:
  struct Point {
    int body = -1;  // body origin when site < 0
    int site = -1;
  };
  enum class Kind;

  SuccessRule() = default;
  static const double* Position(const mjData* d, const Point& p);

  std::string task_;
  Kind kind_{};
  ArmSide lead_ = ArmSide::kLeft;
  double start_side_ = 1;          // move_can_pot: the can's starting side (+-1)
  double table_top_ = 0;           // world z of the table top
  std::vector<Point> points_;      // per rule, in the order Compile lists them
  int joint_qpos_ = -1;            // open_microwave: the door's qpos address
  double joint_upper_ = 0;
  int bell_body_ = -1;
  std::vector<int> gripper_body_of_[2];  // body ids, [left, right]
  int tcp_site_[2] = {-1, -1};
};

}  // namespace gauntlet::envs::dualarm
