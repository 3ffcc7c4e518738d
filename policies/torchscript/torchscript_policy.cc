#include "policies/torchscript/torchscript_policy.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeTorchScriptPolicy(const std::string& path, PolicyOptions) {
  return Error{"torchscript:" + path + ": TorchScript policies are not built yet"};
}

}  // namespace gauntlet::policies
