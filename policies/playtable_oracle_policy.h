// `oracle` for the playtable family: the scripted expert for CALVIN's play
// table, as a Policy. It reads privileged state (block poses, the desk's
// handles and joints, the task named by the goal) but acts only through the
// family's 7-d relative interface (0.02 m / 0.05 rad per unit, euler xyz,
// gripper +1 open). The script is in policies/scripted/playtable.
#pragma once

#include <string>

#include "harness/policy.h"
#include "policies/scripted/playtable/playtable_expert.h"

namespace gauntlet::policies {

// The play table's action interface (CALVIN's relative actions).
ActionSpec PlaytableRelativeSpec();

class PlaytableOraclePolicy : public Policy {
 public:
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current phase of the script.
  std::string phase_name() const;

 private:
  scripted::playtable::PlaytableExpert expert_;
};

}  // namespace gauntlet::policies
