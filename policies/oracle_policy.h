// `oracle`: a scripted pick-and-place expert. It reads privileged state (poses,
// regions, the goal) but acts only through the family's 7-d end-effector delta
// interface: it never moves an object itself.
//
// For the goal's first (On a b) / (In a region) atom (LIBERO-Spatial's and
// LIBERO-Object's goals have one; multi-stage goals, drawers and knobs are
// later work) it runs
//   approach (above the grasp, gripper open) -> descend -> close -> lift
//   -> carry (object centred over the target) -> lower -> release -> retreat
// When the grasp fails or the object slips out it lets go, waits for the
// object to come to rest and plans again.
// Bowls are grasped by their wall, at the point of the rim with the most room
// around the fingers; other objects across their narrow side, at the side and
// point along the body with the most room, after centring the hand over the
// body (the fingers clear a can by only ~5 mm a side).
#pragma once

#include <array>
#include <optional>
#include <string>

#include "harness/policy.h"

namespace gauntlet::policies {

class OraclePolicy : public Policy {
 public:
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current phase of the script.
  const char* phase_name() const;

 private:
  enum class Phase { kPlan, kApproach, kDescend, kClose, kLift, kCarry, kLower, kRelease, kRetreat,
                     kRecover, kDone };
  struct Grasp {
    std::array<double, 3> tcp{};  // tool centre point at grasp
    double yaw = 0;               // hand yaw (rad)
  };

  bool Plan(const PrivilegedState& s);
  // Lowest height for the object's origin clearing everything along the
  // straight path from (x, y) to the target.
  double PathClearanceZ(const PrivilegedState& s, double x, double y) const;
  // The held object has moved away from where it sat in the hand after lifting.
  bool Slipped(const PrivilegedState& s) const;
  Action MoveTo(const PrivilegedState& s, const std::array<double, 3>& target, double yaw,
                double max_step, double gripper) const;

  Phase phase_ = Phase::kPlan;
  int phase_steps_ = 0;
  int attempts_ = 0;
  std::string object_;          // what is being moved
  std::array<double, 3> target_xy_z_{};  // where the object's origin should end (x, y, resting z)
  Grasp grasp_;
  std::optional<PrivilegedState::Site> container_;  // fixture region the object started in
  std::array<double, 2> start_xy_{};  // object origin when the grasp was planned
  double start_z_ = 0;
  std::array<double, 2> xy_trim_{};          // integral correction while descending onto a body
  bool centred_ = false;                     // the hand is centred over that body: go down
  std::array<double, 3> held_offset_{};      // object origin minus tcp, measured after lifting
  std::array<double, 3> last_object_pos_{};  // to tell when a dropped object has settled
  int still_steps_ = 0;
};

}  // namespace gauntlet::policies
