#include "policies/adapted_policy.h"

namespace gauntlet::policies {

Result<std::vector<AdapterRequest>> ParseAdapters(const std::vector<std::string>& items) {
  std::vector<AdapterRequest> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    out.push_back({item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1)});
  }
  return out;
}

Result<std::unique_ptr<Policy>> Adapt(std::unique_ptr<Policy>, const std::vector<AdapterRequest>&,
                                      const ActionSpec&, const ObservationSpec&) {
  return Error{"adapters are not built yet"};
}

}  // namespace gauntlet::policies
