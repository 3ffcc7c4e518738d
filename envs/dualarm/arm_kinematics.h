// Forward and inverse kinematics of one arm, computed from its ArmSpec alone
// (pure Eigen, no simulator), so the scripted expert, the end-effector action
// mode and the tests share one definition of where the tool is.
//
// Forward kinematics composes the URDF chain:
//   T_tcp = T_base * prod_i [ Trans(origin_xyz_i) Rot(origin_rpy_i) Rot(axis_i, q_i) ] * T(tcp)
//
// Inverse kinematics is damped least squares with Levenberg-Marquardt damping
// (Nakamura & Hanafusa 1986; Wampler 1986): with the 6-d error
// e = [p* - p ; w * log(R* R^T)] and the world-frame geometric Jacobian J,
//   dq = J^T (J J^T + lambda^2 I)^-1 e,
// accepted when it lowers |e| (lambda shrinks), refused otherwise (lambda
// grows); each step is capped and clamped into the joint limits, and a joint
// resting on a limit that the step pushes beyond drops out of the solve for
// that step. When the seed's attempt stalls, further attempts start from fixed seeds spread over
// the limits (a Halton sequence), so a given target gives the same answer on
// every machine.
#pragma once

#include <array>

#include <Eigen/Geometry>

#include "envs/dualarm/arm_spec.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

using ArmJoints = std::array<double, 6>;  // radians, joint1..joint6

Eigen::Vector3d ToVector(const std::array<double, 3>& a);
// URDF's rpy: fixed-axis roll, then pitch, then yaw (R = Rz * Ry * Rx).
Eigen::Matrix3d RpyToMatrix(const std::array<double, 3>& rpy);
Eigen::Isometry3d ToIsometry(const Pose& pose);
Pose ToPose(const Eigen::Isometry3d& t);

// The frame of each link (after its joint turned) and the TCP, in the world.
struct ArmFrames {
  std::array<Eigen::Isometry3d, 6> links;  // link i+1's frame; its joint axis is spec.joints[i].axis in it
  Eigen::Isometry3d tcp;
};
ArmFrames ComputeArmFrames(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q);

// The TCP's pose in the world for joint values `q` and the arm's base at `base`.
Eigen::Isometry3d TcpTransform(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q);
Pose TcpPose(const ArmSpec& arm, const Pose& base, const ArmJoints& q);

// d(TCP twist)/dq in the world frame (6 x 6): rows 0-2 linear velocity of the
// TCP point, rows 3-5 angular velocity.
Eigen::Matrix<double, 6, 6> TcpJacobian(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q);

bool WithinLimits(const ArmSpec& arm, const ArmJoints& q);

struct IkOptions {
  bool position_only = false;           // ignore the target's orientation
  // A parallel gripper looks the same turned half a turn about its approach
  // axis: also accept the target turned by pi about the TCP's x (the fingers
  // swapped), which halves how far a limited wrist roll has to turn.
  bool symmetric_fingers = false;
  double position_tolerance = 1e-4;     // metres
  double orientation_tolerance = 1e-3;  // radians
  int max_iterations = 150;             // per attempt
  int max_attempts = 8;                 // the seed's, then fixed seeds over the limits
  double orientation_weight = 0.2;      // metres per radian in the error norm
  double max_step = 0.3;                // radians per joint per iteration
};

struct IkSolution {
  ArmJoints q{};
  double position_error = 0;     // metres
  double orientation_error = 0;  // radians (0 when position_only)
  int iterations = 0;            // summed over attempts
  int attempts = 0;              // 1 = converged from the caller's seed
  bool fingers_swapped = false;  // reached the target turned by pi about its x (symmetric_fingers)
};

// Joint values within the limits that put the TCP at `target`, starting from
// `seed` (clamped into the limits). Fails, naming the arm, the target and the
// smallest residual reached, when no attempt meets the tolerances.
Result<IkSolution> SolveIk(const ArmSpec& arm, const Eigen::Isometry3d& base, const Pose& target,
                           const ArmJoints& seed, const IkOptions& options = {});

}  // namespace gauntlet::envs::dualarm
