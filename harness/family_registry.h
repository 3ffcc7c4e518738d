// The registry of task families and their scripted experts. Each family
// registers itself once from envs/ (envs/registered_families.cc lists them),
// each expert from policies/ (policies/registered_experts.cc); the command
// layer, the Python module and the benches look families up by the name a
// suite file gives, and never name one.
//
// Thread-safety: registration happens at start-up on one thread; lookups
// after that may come from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/family.h"
#include "harness/policy.h"

namespace gauntlet {

// A fresh scripted expert for one worker, with its `--policy-opt` settings
// ("key=value" items; an expert refuses keys it does not know).
using ExpertMaker = std::function<Result<std::unique_ptr<Policy>>(const std::vector<std::string>& settings)>;

class FamilyRegistry {
 public:
  // A second family of the same name is refused.
  Status Register(std::unique_ptr<Family> family);
  Status RegisterExpert(const std::string& family, ExpertMaker make);

  // Unknown names are an error that lists the registered families.
  Result<const Family*> Find(const std::string& name) const;
  // The family a suite names; errors say which suite file asked.
  Result<const Family*> FamilyOf(const SuiteSpec& suite) const;
  // The family that reads task files with this file's ending.
  Result<const Family*> FamilyForTaskFile(const std::string& path) const;
  Result<std::unique_ptr<Policy>> MakeExpert(const std::string& family,
                                             const std::vector<std::string>& settings = {}) const;
  bool HasExpert(const std::string& family) const { return experts_.count(family) > 0; }
  std::vector<std::string> names() const;  // sorted

 private:
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::map<std::string, ExpertMaker> experts_;
};

// The process's registry, filled at start-up (envs::RegisterFamilies,
// policies::RegisterExperts).
FamilyRegistry& Families();

}  // namespace gauntlet
