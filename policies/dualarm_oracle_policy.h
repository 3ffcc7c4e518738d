// `oracle` for the dualarm family (RoboTwin 2.0-style): the scripted expert
// as a Policy. It reads privileged state (objects, functional points, the
// door's and drawer's articulations, the task named by the goal) and the
// TCP state keys, and acts through the family's absolute end-effector
// interface (eef_abs, 16-d: per arm x y z qw qx qy qz gripper, left first,
// gripper 1 open): the family's IK turns it into joint targets on each
// embodiment, so one script serves aloha, arx5 and piper. The script is in
// policies/scripted/dualarm.
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"
#include "policies/scripted/dualarm/dualarm_expert.h"

namespace gauntlet::policies {

// The dual-arm eef_abs spec as the family declares it (envs/dualarm/dualarm_env.h
// DualEefAbsSpec; policies/ never includes envs/, the runner checks they agree).
ActionSpec DualarmEefAbsSpec();

class DualarmOraclePolicy : public Policy {
 public:
  // Takes no settings.
  static Result<std::unique_ptr<Policy>> Create(PolicyOptions options);
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current stage of the script.
  std::string phase_name() const;

 private:
  scripted::dualarm::DualarmExpert expert_;
};

}  // namespace gauntlet::policies
