// `oracle`: the scripted expert for the tabletop tasks, as a Policy. It reads
// privileged state (poses, regions, joints, the goal and which of its atoms
// hold) but acts only through the family's 7-d end-effector delta interface.
// The script itself (plan, skills, geometry) is in policies/scripted/tabletop,
// built on the family-agnostic motion primitives in policies/scripted.
#pragma once

#include "harness/policy.h"
#include "policies/scripted/tabletop/tabletop_expert.h"

namespace gauntlet::policies {

class OraclePolicy : public Policy {
 public:
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current phase of the script.
  const char* phase_name() const;

 private:
  scripted::tabletop::TabletopExpert expert_;
};

}  // namespace gauntlet::policies
