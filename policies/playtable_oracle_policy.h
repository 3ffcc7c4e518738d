// `oracle` for the playtable family: the scripted expert for CALVIN's play
// table, as a Policy. It reads privileged state (block poses, the desk's
// handles and joints, the task named by the goal) but acts only through one
// of the family's 7-d interfaces (setting `action`): CALVIN's relative one
// (eef_delta, the default: 0.02 m / 0.05 rad per unit, euler xyz, gripper +1
// open) or its absolute one (eef_abs: the same motion as the tool's target
// pose in the world). The script is in policies/scripted/playtable.
#pragma once

#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"
#include "policies/scripted/playtable/playtable_expert.h"

namespace gauntlet::policies {

class PlaytableOraclePolicy : public Policy {
 public:
  // Settings: action (eef_delta or eef_abs, default eef_delta).
  static Result<std::unique_ptr<Policy>> Create(PolicyOptions options);
  explicit PlaytableOraclePolicy(bool absolute = false) : absolute_(absolute) {}
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current phase of the script.
  std::string phase_name() const;

 private:
  bool absolute_ = false;  // eef_abs: targets, not deltas
  scripted::playtable::PlaytableExpert expert_;
};

}  // namespace gauntlet::policies
