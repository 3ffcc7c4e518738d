#include "policies/remote/remote_policy.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeRemotePolicy(const std::string& url, PolicyOptions) {
  return Error{"remote:" + url + ": remote policies are not built yet"};
}

}  // namespace gauntlet::policies
