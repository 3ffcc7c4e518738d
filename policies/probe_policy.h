// `probe`: a scripted, observation-driven policy whose every action depends on
// every input it reads (both camera images, the hand's state, the
// instruction). Twins of it exist as a Python class, a TorchScript module and
// behind the websocket test server; equal actions and final states across
// them prove that observations and actions cross each door unaltered.
//
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
#pragma once

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

class ProbePolicy : public Policy {
 public:
  // Settings: chunk (H, default 4), image_size (0: any), orientation
  // (upright or rotated180: what it declares to expect).
  static Result<std::unique_ptr<Policy>> Create(PolicyOptions options);
  PolicyInfo info() const override { return info_; }
  void reset(const EpisodeContext&) override {}
  ActionChunk act(const Observation& observation) override;

 private:
  PolicyInfo info_;
};

// The probe's chunk for one observation (shared with tests).
std::vector<Action> ProbeActions(const Observation& observation, int chunk);

}  // namespace gauntlet::policies
