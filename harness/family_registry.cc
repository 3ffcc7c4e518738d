#include "harness/family_registry.h"

#include "harness/text_join.h"

namespace gauntlet {

const char* ToString(EpisodeProtocol protocol) {
  return protocol == EpisodeProtocol::kChain ? "chain" : "single_goal";
}

Result<TaskFileInfo> Family::ReadTaskFile(const std::string& path) const {
  return Error{path + ": the " + name() + " family has no task files; run one of its suites instead"};
}

Result<std::vector<ChainSpec>> Family::GenerateChains(const SuiteSpec&, const std::string& generator, int) const {
  return Error{"the " + name() + " family generates no chains (asked for generator '" + generator + "')"};
}

Result<std::string> Family::ResolveEmbodiment(const std::string& embodiment) const {
  const std::vector<std::string> known = embodiments();
  if (embodiment.empty()) return known.front();
  for (const std::string& e : known) {
    if (e == embodiment) return e;
  }
  return Error{"embodiment '" + embodiment + "' is not one of the " + name() + " family's (" +
               JoinText(known, ", ") + ")"};
}

Status FamilyRegistry::Register(std::unique_ptr<Family> family) {
  const std::string name = family->name();
  if (families_.count(name)) return Error{"family '" + name + "' is registered twice"};
  families_.emplace(name, std::move(family));
  return Status::Ok();
}

Status FamilyRegistry::RegisterExpert(const std::string& family, ExpertMaker make) {
  if (experts_.count(family)) return Error{"a scripted expert for family '" + family + "' is registered twice"};
  experts_.emplace(family, std::move(make));
  return Status::Ok();
}

std::vector<std::string> FamilyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, family] : families_) out.push_back(name);
  return out;
}

Result<const Family*> FamilyRegistry::Find(const std::string& name) const {
  auto it = families_.find(name);
  if (it != families_.end()) return it->second.get();
  return Error{"unknown family '" + name + "' (registered: " + JoinText(names(), ", ") + ")"};
}

Result<const Family*> FamilyRegistry::FamilyOf(const SuiteSpec& suite) const {
  auto family = Find(suite.family);
  if (!family.ok()) return Error{suite.path + ": " + family.error().message};
  return family;
}

Result<const Family*> FamilyRegistry::FamilyForTaskFile(const std::string& path) const {
  std::vector<std::string> known;
  for (const auto& [name, family] : families_) {
    for (const std::string& ending : family->task_file_extensions()) {
      if (path.size() >= ending.size() && path.compare(path.size() - ending.size(), ending.size(), ending) == 0) {
        return family.get();
      }
      known.push_back(ending + " (" + name + ")");
    }
  }
  return Error{path + ": no family reads task files of this kind (known: " + JoinText(known, ", ") + ")"};
}

Result<std::unique_ptr<Policy>> FamilyRegistry::MakeExpert(const std::string& family) const {
  auto it = experts_.find(family);
  if (it == experts_.end()) return Error{"the " + family + " family has no scripted expert"};
  return it->second();
}

FamilyRegistry& Families() {
  static FamilyRegistry registry;
  return registry;
}

}  // namespace gauntlet
