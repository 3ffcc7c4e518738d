#include "policies/dualarm_oracle_policy.h"

namespace gauntlet::policies {

ActionSpec DualarmEefAbsSpec() {
  constexpr double kPositionBound = 2.0;  // metres, as the family bounds it
  ActionSpec spec;
  spec.kind = ActionKind::kEefAbs;
  spec.dim = 16;
  for (int arm = 0; arm < 2; ++arm) {
    spec.low.insert(spec.low.end(), {-kPositionBound, -kPositionBound, -kPositionBound, -1, -1, -1, -1, 0});
    spec.high.insert(spec.high.end(), {kPositionBound, kPositionBound, kPositionBound, 1, 1, 1, 1, 1});
  }
  spec.gripper = GripperConvention::kOneOpenZeroClose;
  spec.rotation = RotationFormat::kQuatWxyz;
  return spec;
}

Result<std::unique_ptr<Policy>> DualarmOraclePolicy::Create(PolicyOptions options) {
  if (Status s = options.CheckAllKnown("oracle"); !s.ok()) return Error{s.message()};
  return std::unique_ptr<Policy>(new DualarmOraclePolicy());
}

PolicyInfo DualarmOraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec = DualarmEefAbsSpec();
  info.needs.privileged = true;
  info.needs.state_keys = {"joint_pos", "left_eef_pos", "left_eef_quat", "right_eef_pos", "right_eef_quat"};
  info.settings_json = R"({"version":1,"family":"dualarm","action":"eef_abs"})";
  return info;
}

std::string DualarmOraclePolicy::phase_name() const { return expert_.phase_name(); }

void DualarmOraclePolicy::reset(const EpisodeContext&) { expert_.Reset(); }

ActionChunk DualarmOraclePolicy::act(const Observation& observation) {
  ActionChunk chunk{{expert_.Act(observation)}, {}};
  chunk.metadata["phase"] = expert_.phase_name();  // what `gauntlet trace` prints
  return chunk;
}

}  // namespace gauntlet::policies
