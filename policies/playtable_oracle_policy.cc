#include "policies/playtable_oracle_policy.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> PlaytableOraclePolicy::Create(PolicyOptions options) {
  const std::string action = options.String("action", ToString(ActionKind::kEefDelta));
  if (Status s = options.CheckAllKnown("oracle"); !s.ok()) return Error{s.message()};
  if (action != ToString(ActionKind::kEefDelta) && action != ToString(ActionKind::kEefAbs)) {
    return Error{"--policy-opt action='" + action + "': the play table's oracle speaks eef_delta or eef_abs"};
  }
  return std::unique_ptr<Policy>(new PlaytableOraclePolicy(action == ToString(ActionKind::kEefAbs)));
}

PolicyInfo PlaytableOraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec = absolute_ ? CalvinEefAbsSpec() : CalvinEefDeltaSpec();
  info.needs.privileged = true;
  info.settings_json = std::string(R"({"version":1,"family":"playtable","action":")") +
                       ToString(info.action_spec.kind) + "\"}";
  return info;
}

std::string PlaytableOraclePolicy::phase_name() const { return expert_.phase_name(); }

void PlaytableOraclePolicy::reset(const EpisodeContext&) { expert_.Reset(); }

ActionChunk PlaytableOraclePolicy::act(const Observation& observation) {
  if (!observation.privileged) {
    throw PolicyError("oracle needs privileged state, but the environment gave none");
  }
  const PrivilegedState& state = *observation.privileged;
  ActionChunk chunk{{absolute_ ? expert_.ActAbsolute(state) : expert_.Act(state)}, {}};
  chunk.metadata["phase"] = expert_.phase_name();  // what `gauntlet trace` prints
  return chunk;
}

}  // namespace gauntlet::policies
