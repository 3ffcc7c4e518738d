#include "policies/oracle_policy.h"

namespace gauntlet::policies {

PolicyInfo OraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec = LiberoEefDeltaSpec();
  info.needs.privileged = true;
  info.settings_json = R"({"version":1})";
  return info;
}

const char* OraclePolicy::phase_name() const { return expert_.phase_name(); }

void OraclePolicy::reset(const EpisodeContext&) { expert_.Reset(); }

ActionChunk OraclePolicy::act(const Observation& observation) {
  if (!observation.privileged) {
    throw PolicyError("oracle needs privileged state, but the environment gave none");
  }
  ActionChunk chunk{{expert_.Act(*observation.privileged)}, {}};
  chunk.metadata["phase"] = expert_.phase_name();  // what `gauntlet trace` prints
  return chunk;
}

}  // namespace gauntlet::policies
