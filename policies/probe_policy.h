// `probe`: a scripted, observation-driven policy whose every action depends on
// every input it reads (both camera images, the hand's state, the
// instruction). Twins of it exist as a Python class, a TorchScript module and
// behind the websocket test server; equal actions and final states across
// them prove that observations and actions cross each door unaltered.
//
// Three variants, one per family's interface (setting `family`):
//
// tabletop (default): cameras agentview and wrist; state eef_pos,
// eef_axis_angle, gripper_qpos; LIBERO's action (axis-angle, -1 opens).
// The function, in float64 and in this order of operations (the twins repeat
// it exactly):
//   m_c   = (sum of the bytes of camera c's image) / (its byte count) / 255
//   L     = byte length of the instruction
//   goal  = (-0.05 + 0.01 * (L mod 5), 0, 1.0)
//   for k in 0..H-1, f = (H - k) / H:
//     a[i]  = clip(5 * (goal[i] - eef_pos[i]), -1, 1) * f     i = 0, 1, 2
//     a[3]  = 0.2 * (m_agentview - 0.5)
//     a[4]  = 0.2 * (m_wrist - 0.5)
//     a[5]  = 0.1 * eef_axis_angle[2]
//     a[6]  = 1 if gripper_qpos[0] - gripper_qpos[1] > 0.07 else -1  (fingers +q, -q)
//
// playtable: cameras static and gripper; state eef_pos and robot_obs (tcp
// xyz, tcp euler xyz, gripper width, ...); CALVIN's action (euler xyz, +1
// opens). Each subtask of a chain brings its own instruction, so its length
// moves the goal and a changed instruction changes the actions. The goal is
// a point in free space above the desk, a few centimetres from where the hand
// starts (CALVIN's fixed start pose), so the probe completes no task: a chain
// run with it stops at its first subtask after the full step budget.
//   m_c   and L as above
//   goal  = (0.02 * (L mod 5), -0.2, 0.6)
//   for k in 0..H-1, f = (H - k) / H:
//     a[i]  = clip(5 * (goal[i] - eef_pos[i]), -1, 1) * f     i = 0, 1, 2
//     a[3]  = 0.2 * (m_static - 0.5)
//     a[4]  = 0.2 * (m_gripper - 0.5)
//     a[5]  = 0.1 * robot_obs[5]
//     a[6]  = 1 if robot_obs[6] > 0.07 else -1                  (robot_obs[6]: gripper width)
//   (the yaw term winds the wrist up to +-pi, where it then rocks back and
//   forth: a deterministic motion, which is all the parity tests need)
//
// dualarm: cameras head, left_wrist and right_wrist; state joint_pos (14);
// the dual-arm joint interface (14 targets, gripper 1 open / 0 closed). Each
// target is the measured joint nudged by the images and the instruction
// (servos sag under gravity, so the arms drift: deterministically).
//   m_c   and L as above; q = joint_pos
//   s     = 0 except s[0] = m_head - 0.5, s[1] = 0.1 * (L mod 5) - 0.2,
//           s[2] = m_left_wrist - 0.5, s[7] = 0.5 - m_head,
//           s[9] = m_right_wrist - 0.5
//   for k in 0..H-1, f = (H - k) / H:
//     a[j]  = q[j] + (0.05 * f) * s[j]                          j = 0..13
//     a[6]  = 1 if q[6] > 0.5 else 0;  a[13] = 1 if q[13] > 0.5 else 0
#pragma once

#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

// Which interface the probe speaks.
enum class ProbeFamily { kTabletop, kPlaytable, kDualarm };

class ProbePolicy : public Policy {
 public:
  // Settings: family (tabletop, playtable or dualarm, default tabletop), chunk (H,
  // default 4), image_size (0: any), orientation (upright or rotated180:
  // what it declares to expect).
  static Result<std::unique_ptr<Policy>> Create(PolicyOptions options);
  PolicyInfo info() const override { return info_; }
  // Nothing to forget: every action follows from the observation alone
  // (including its instruction, which a chain changes between subtasks).
  void reset(const EpisodeContext&) override {}
  ActionChunk act(const Observation& observation) override;
  // It batches: one instance answers any number of episodes' queries.
  bool batches() const override { return true; }
  std::shared_ptr<PolicySession> open_session() override { return std::make_shared<StatelessSession>(); }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override;

 private:
  PolicyInfo info_;
  ProbeFamily family_ = ProbeFamily::kTabletop;
};

// The probe's chunk for one observation (shared with tests).
std::vector<Action> ProbeActions(const Observation& observation, int chunk,
                                 ProbeFamily family = ProbeFamily::kTabletop);

}  // namespace gauntlet::policies
