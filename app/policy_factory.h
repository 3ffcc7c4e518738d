// Builds the policy a run asks for, once per worker: a built-in name
// (oracle = the family's scripted expert, noop, random, probe, replay) or a plug-in (torchscript:PATH,
// remote:ws://HOST:PORT, python:module:Class), with its --policy-opt settings
// and wrapped in the --adapt adapters that make it fit the family.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/scheduler.h"
#include "policies/policy_options.h"

namespace gauntlet::app {

struct PolicyRequest {
  std::string spec = "oracle";           // NAME or KIND:TARGET; oracle = the family's scripted expert
  std::string family;                    // the suite's family (whose expert `oracle` is)
  std::vector<std::string> options;      // "key=value"
  std::vector<std::string> adapters;     // "name" or "name=arg"
  std::string replay_run, replay_db;     // --policy replay
};

// How a `python:` policy is made: the CLI embeds an interpreter, the Python
// module runs inside one; each registers its own maker before running.
using PythonPolicyMaker =
    std::function<Result<std::unique_ptr<Policy>>(const std::string& target, policies::PolicyOptions options)>;
void SetPythonPolicyMaker(PythonPolicyMaker maker);

// Checks the request by building one policy (a bad path, an unreachable
// server or an unknown setting fails here, before the run starts) and returns
// a factory for the workers plus that first policy's info. The factory's
// first call returns that policy itself (weights load once).
struct PolicyBuild {
  PolicyFactory factory;
  PolicyInfo info;
  // The family's interface the policy drives (WorldRequest::action): the one
  // of the kind the unadapted policy emits, else the family's default.
  ActionSpec family_action;
  // Whether one instance answers many episodes' queries (Policy::batches),
  // and how many calls it takes at once: what the run's defaults follow.
  bool batches = false;
  int concurrency = 1;
  int max_batch = 0;  // 0: any
};
// `family_actions`: the family's interfaces, the default first.
Result<PolicyBuild> BuildPolicy(const PolicyRequest& request, const std::vector<ActionSpec>& family_actions,
                                const ObservationSpec& family_offer);

// Policies from `make`, each wrapped in `adapters` ("name" or "name=arg"),
// checked by building the first: what BuildPolicy does once it knows how to
// make the raw policy (the Python module passes its own maker).
using PolicyMaker = std::function<Result<std::unique_ptr<Policy>>()>;
Result<PolicyBuild> ComposePolicy(PolicyMaker make, const std::vector<std::string>& adapters,
                                  const std::vector<ActionSpec>& family_actions, const ObservationSpec& family_offer);

// "oracle, noop, random, probe, replay, torchscript:PATH.pt, ..." for help texts.
std::string PolicyHelp();

}  // namespace gauntlet::app
