#include "app/policy_factory.h"

#include <algorithm>
#include <mutex>

#include "harness/family_registry.h"
#include "policies/adapted_policy.h"
#include "policies/policy_registry.h"
#include "policies/probe_policy.h"
#include "policies/remote/remote_policy.h"
#include "policies/replay_policy.h"
#include "policies/merged/merged_policy.h"
#include "policies/torchscript/torchscript_policy.h"
#include "results/run_reader.h"

namespace gauntlet::app {

namespace {

PythonPolicyMaker& PythonMaker() {
  static PythonPolicyMaker maker;
  return maker;
}

using RawMaker = PolicyMaker;  // one unadapted policy from the request

Result<RawMaker> RawPolicyMaker(const PolicyRequest& request, const ActionSpec& family_action) {
  const std::string& spec = request.spec;
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string target = colon == std::string::npos ? "" : spec.substr(colon + 1);
  auto options = policies::PolicyOptions::Parse(request.options);
  if (!options.ok()) return options.error();
  const policies::PolicyOptions opts = options.value();
  if (colon != std::string::npos && target.empty()) return Error{"--policy " + spec + ": nothing after '" + kind + ":'"};

  if (kind == "torchscript") {
    return RawMaker([target, opts] { return policies::MakeTorchScriptPolicy(target, opts); });
  }
  if (kind == "merged") {
    return RawMaker([target, opts] { return policies::merged::MakeMergedPolicy(target, opts); });
  }
  if (kind == "remote") {
    return RawMaker([target, opts] { return policies::MakeRemotePolicy(target, opts); });
  }
  if (kind == "python") {
    if (!PythonMaker()) return Error{"--policy python:...: this program cannot run Python policies"};
    return RawMaker([target, opts] { return PythonMaker()(target, opts); });
  }
  if (colon != std::string::npos) {
    return Error{"--policy " + spec + ": unknown kind '" + kind + "' (plug-ins: torchscript:PATH.pt, "
                 "merged:PATH.gmerge, remote:ws://HOST:PORT, python:module:Class)"};
  }
  if (kind == "probe") return RawMaker([opts] { return policies::ProbePolicy::Create(opts); });
  if (kind == "oracle") {  // the family's expert reads its own settings
    const std::string family = request.family;
    const std::vector<std::string> settings = request.options;
    return RawMaker([family, settings] { return Families().MakeExpert(family, settings); });
  }
  if (!request.options.empty()) {
    return Error{"--policy-opt: the built-in policy '" + kind + "' takes no settings"};
  }
  if (kind == "replay") {
    if (request.replay_run.empty()) return Error{"--policy replay needs --replay-run NAME (and --replay-db if not --db)"};
    auto reader = results::RunReader::Open(request.replay_db);
    if (!reader.ok()) return reader.error();
    auto stored = reader.value().EpisodeActions(request.replay_run);
    if (!stored.ok()) return stored.error();
    auto recordings = std::make_shared<policies::ReplayPolicy::Recordings>();
    for (auto& e : stored.value()) (*recordings)[{e.key.task, e.key.init_state}] = std::move(e.actions);
    const std::string source = "run '" + request.replay_run + "' in " + request.replay_db;
    return RawMaker([recordings, source, family_action]() -> Result<std::unique_ptr<Policy>> {
      return std::unique_ptr<Policy>(new policies::ReplayPolicy(family_action, *recordings, source));
    });
  }
  return RawMaker([kind, family_action] { return policies::MakePolicy(kind, family_action); });
}

}  // namespace

void SetPythonPolicyMaker(PythonPolicyMaker maker) { PythonMaker() = std::move(maker); }

std::string PolicyHelp() {
  return "oracle, noop, random, probe, replay, torchscript:PATH.pt, merged:PATH.gmerge, remote:ws://HOST:PORT or "
         "python:module:Class";
}

Result<PolicyBuild> BuildPolicy(const PolicyRequest& request, const std::vector<ActionSpec>& family_actions,
                                const ObservationSpec& family_offer) {
  auto raw = RawPolicyMaker(request, family_actions.front());
  if (!raw.ok()) return raw.error();
  return ComposePolicy(raw.value(), request.adapters, family_actions, family_offer);
}

Result<PolicyBuild> ComposePolicy(PolicyMaker make, const std::vector<std::string>& adapter_items,
                                  const std::vector<ActionSpec>& family_actions, const ObservationSpec& family_offer) {
  auto adapters = policies::ParseAdapters(adapter_items);
  if (!adapters.ok()) return adapters.error();
  auto first = make();
  if (!first.ok()) return first.error();
  // Adapters convert conventions (gripper, rotation, normalisation), never
  // the kind of action: a policy of absolute poses drives the family's
  // absolute interface when it has one.
  const ActionKind emitted = first.value()->info().action_spec.kind;
  ActionSpec family_action = family_actions.front();
  for (const ActionSpec& offered : family_actions) {
    if (offered.kind == emitted) {
      family_action = offered;
      break;
    }
  }
  auto adapt = [adapters = adapters.value(), family_action,
                family_offer](std::unique_ptr<Policy> policy) -> Result<std::unique_ptr<Policy>> {
    if (adapters.empty()) return policy;
    return policies::Adapt(std::move(policy), adapters, family_action, family_offer);
  };
  auto adapted = adapt(std::move(first).value());
  if (!adapted.ok()) return adapted.error();
  const Policy& built = *adapted.value();
  PolicyBuild build{nullptr, built.info(), family_action, built.batches(), std::max(1, built.concurrency()),
                    std::max(0, built.max_batch())};
  // The instance built for the checks is the factory's first answer: a
  // model's weights are loaded once when one instance serves the run.
  struct Kept {
    std::mutex mu;
    std::unique_ptr<Policy> policy;
  };
  auto kept = std::make_shared<Kept>();
  kept->policy = std::move(adapted).value();
  build.factory = [maker = std::move(make), adapt, kept]() -> Result<std::unique_ptr<Policy>> {
    {
      std::lock_guard<std::mutex> lock(kept->mu);
      if (kept->policy) return std::move(kept->policy);
    }
    auto policy = maker();
    if (!policy.ok()) return policy.error();
    return adapt(std::move(policy).value());
  };
  return build;
}

}  // namespace gauntlet::app
