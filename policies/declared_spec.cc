#include "policies/declared_spec.h"

namespace gauntlet::policies {

Result<DeclaredPolicySpec> ResolveDeclaredSpec(std::vector<SpecLayer> layers, PolicyOptions& options) {
  SpecLayer given{"--policy-opt", {}, false};
  for (const DeclaredSpecKey& key : DeclaredSpecKeys()) {
    if (!key.declarable) continue;
    if (auto value = options.Given(key.key)) given.values[key.key] = *value;
  }
  auto first_unfixed = layers.begin();
  while (first_unfixed != layers.end() && first_unfixed->fixed) ++first_unfixed;
  layers.insert(first_unfixed, std::move(given));
  auto resolved = ResolveDeclaredPolicySpec(layers);
  if (!resolved.ok()) return resolved.error();
  for (const auto& [key, value] : resolved.value().in_force) {
    options.Record(key, SpecValueJson(resolved.value().spec, key));
  }
  return resolved.value().spec;
}

}  // namespace gauntlet::policies
