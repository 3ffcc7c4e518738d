#include "policies/scripted/playtable/stored_target.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kTrimGain = 0.5;     // of the error folded in per step
constexpr double kTrimStep = 0.004;   // m per step and component, at most
constexpr double kMaxOffset = 0.03;
constexpr double kTrimTurn = 0.01;    // rad per step and component, at most
constexpr double kMaxEulerOffset = 0.15;
constexpr double kLeverArm = 0.1;     // m: an orientation error's reach at the fingertips   // m per component: beyond that something holds the hand
}  // namespace

void StoredTarget::Reset(const Pose& hand) {
  position_ = hand.pos;
  euler_ = QuatToEuler(hand.quat);
  offset_ = {0, 0, 0};
  euler_offset_ = {0, 0, 0};
}

Vec3 StoredTarget::goal_position() const {
  return {position_[0] - offset_[0], position_[1] - offset_[1], position_[2] - offset_[2]};
}

Euler StoredTarget::goal_euler() const {
  return {euler_[0] - euler_offset_[0], euler_[1] - euler_offset_[1], euler_[2] - euler_offset_[2]};
}

double StoredTarget::Trim(const Vec3& goal_pos, const Euler& goal_euler, const Pose& measured) {
  double n = 0, turn = 0;
  const Euler at = QuatToEuler(measured.quat);
  const Euler goal = NearestEuler(goal_euler, at);
  for (int i = 0; i < 3; ++i) {
    const double e = goal_pos[i] - measured.pos[i];
    n += e * e;
    offset_[i] = std::clamp(offset_[i] + std::clamp(kTrimGain * e, -kTrimStep, kTrimStep), -kMaxOffset, kMaxOffset);
    const double r = goal[i] - at[i];
    turn += r * r;
    euler_offset_[i] = std::clamp(euler_offset_[i] + std::clamp(kTrimGain * r, -kTrimTurn, kTrimTurn),
                                  -kMaxEulerOffset, kMaxEulerOffset);
  }
  return std::sqrt(n) + kLeverArm * std::sqrt(turn);
}

Action StoredTarget::Toward(const Vec3& goal_pos, const Euler& goal_euler, double max_step, double max_turn,
                            double gripper, bool* arrived) {
  const MotionConvention& c = kPlaytableMotion;
  Action a(7, 0.0);
  Vec3 d;
  double n = 0;
  for (int i = 0; i < 3; ++i) {
    d[i] = goal_pos[i] + offset_[i] - position_[i];
    n += d[i] * d[i];
  }
  n = std::sqrt(n);
  const double step = std::min(max_step, c.metres_per_unit);
  const double scale = n > step ? step / n : 1.0;
  const Euler corrected{goal_euler[0] + euler_offset_[0], goal_euler[1] + euler_offset_[1],
                        goal_euler[2] + euler_offset_[2]};
  const Euler goal = NearestEuler(corrected, euler_);
  const double turn = std::min(max_turn, c.radians_per_unit);
  bool there = true;
  for (int i = 0; i < 3; ++i) {
    a[i] = std::clamp(d[i] * scale / c.metres_per_unit, -1.0, 1.0);
    const double de = std::clamp(goal[i] - euler_[i], -turn, turn);
    a[3 + i] = std::clamp(de / c.radians_per_unit, -1.0, 1.0);
    // Exactly what the environment adds to its stored target.
    position_[i] += c.metres_per_unit * a[i];
    euler_[i] += c.radians_per_unit * a[3 + i];
    there = there && std::abs(goal_pos[i] + offset_[i] - position_[i]) < 1e-7 && std::abs(goal[i] - euler_[i]) < 1e-7;
  }
  a[6] = gripper;
  if (arrived) *arrived = there;
  return a;
}

}  // namespace gauntlet::policies::scripted::playtable
