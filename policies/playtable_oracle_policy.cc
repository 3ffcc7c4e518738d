#include "policies/playtable_oracle_policy.h"

namespace gauntlet::policies {

ActionSpec PlaytableRelativeSpec() {
  ActionSpec spec;
  spec.kind = ActionKind::kEefDelta;
  spec.dim = 7;
  spec.low.assign(7, -1.0);
  spec.high.assign(7, 1.0);
  spec.gripper = GripperConvention::kPosOpenNegClose;
  spec.rotation = RotationFormat::kEulerXyz;
  return spec;
}

PolicyInfo PlaytableOraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec = PlaytableRelativeSpec();
  info.needs.privileged = true;
  info.settings_json = R"({"version":1,"family":"playtable"})";
  return info;
}

std::string PlaytableOraclePolicy::phase_name() const { return expert_.phase_name(); }

void PlaytableOraclePolicy::reset(const EpisodeContext&) { expert_.Reset(); }

ActionChunk PlaytableOraclePolicy::act(const Observation& observation) {
  if (!observation.privileged) {
    throw PolicyError("oracle needs privileged state, but the environment gave none");
  }
  ActionChunk chunk{{expert_.Act(*observation.privileged)}, {}};
  chunk.metadata["phase"] = expert_.phase_name();  // what `gauntlet trace` prints
  return chunk;
}

}  // namespace gauntlet::policies
