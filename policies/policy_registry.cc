#include "policies/policy_registry.h"

#include "harness/close_matches.h"
#include "harness/text_join.h"
#include "policies/noop_policy.h"
#include "policies/random_policy.h"

namespace gauntlet::policies {

std::vector<std::string> BuiltinPolicyNames() { return {"noop", "random"}; }

Result<std::unique_ptr<Policy>> MakePolicy(const std::string& name, const ActionSpec& family_spec) {
  if (name == "noop") return std::unique_ptr<Policy>(new NoopPolicy(family_spec));
  if (name == "random") return std::unique_ptr<Policy>(new RandomPolicy(family_spec));
  std::vector<std::string> known = {"oracle", "probe", "replay"};
  for (const std::string& builtin : BuiltinPolicyNames()) known.push_back(builtin);
  return Error{"unknown policy '" + name + "' (" + KnownNames(name, known) +
               "; or torchscript:PATH.pt, merged:PATH.gmerge, remote:ws://HOST:PORT, python:module:Class)"};
}

}  // namespace gauntlet::policies
