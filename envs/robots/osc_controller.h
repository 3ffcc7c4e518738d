// Operational-space pose control as robosuite's OSC_POSE runs it for LIBERO
// (benchmarks.md §1.4): a delta goal is set once per policy step relative to
// the current tool pose, then torques are recomputed every physics substep:
//
//   F   = kp (p* - p) - kd v            T = kp e_R(R*, R) - kd w
//   tau = Jp^T Lp F + Jr^T Lr T         (position and orientation uncoupled)
//       + N^T M (kn (q0 - q) - kdn qd)  (nullspace pull toward the start pose)
//       + qfrc_bias                     (gravity and Coriolis compensation)
//
// with Lp = (Jp M^-1 Jp^T)^-1, Lr likewise, kd = 2 sqrt(kp) (critical damping),
// N = I - M^-1 J^T L J, e_R = 1/2 sum_i r_i x r*_i, and torques clipped to the
// Panda's limits.
#pragma once

#include <array>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/robots/panda_robot.h"

namespace gauntlet::envs {

struct OscGains {
  double kp = 150;        // robosuite osc_pose default
  double kp_null = 10;    // nullspace stiffness toward the start configuration
  // robosuite decouples position and orientation (a 3x3 inertia each). With
  // the full 6x6 operational-space inertia instead, the nullspace pull no
  // longer leaks into the tool's motion, so a fixed goal is held exactly
  // (the play table accumulates actions on a stored goal; LIBERO does not).
  bool coupled = false;
};

class OscController {
 public:
  // Resolves the robot's joints, actuators and tool site in `m`.
  explicit OscController(const mjModel* m, OscGains gains = {});

  // Sets the goal to the current tool pose displaced by `delta` (metres, and an
  // axis-angle rotation in radians applied in the world frame). Needs positions
  // computed for `d` (mj_kinematics or later).
  void SetDeltaGoal(const mjData* d, const std::array<double, 6>& delta);
  // Sets an absolute goal: tool position (metres) and rotation (row-major 3x3), world frame.
  void SetGoal(const std::array<double, 3>& pos, const std::array<double, 9>& rot);
  // The joint configuration the nullspace term pulls toward (default: LIBERO's start pose).
  void SetRestPose(const std::array<double, 7>& q) { rest_qpos_ = q; }

  // Writes the arm's torque controls for the current state. Needs mj_step1 (or
  // mj_forward) to have run for `d`.
  void ApplyTorques(const mjModel* m, mjData* d);

  const std::array<double, 3>& goal_pos() const { return goal_pos_; }

 private:
  OscGains gains_;
  int tcp_site_ = -1;
  std::array<int, 7> qpos_adr_{}, dof_adr_{}, actuator_{};
  std::array<double, 3> goal_pos_{};
  std::array<double, 9> goal_rot_{};  // row-major 3x3
  std::array<double, 7> rest_qpos_ = PandaSpec::kInitQpos;
  std::vector<int> arm_index_of_dof_;  // dof id -> 0..6 for the arm, -1 otherwise
  std::vector<double> jacp_, jacr_;    // scratch: 3 x nv each
};

}  // namespace gauntlet::envs
