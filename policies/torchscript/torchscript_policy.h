// `torchscript:PATH.pt`: a TorchScript module run on the CPU with LibTorch.
// The module's contract and the export recipe: README.md "TorchScript policies".
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeTorchScriptPolicy(const std::string& path, PolicyOptions options);

}  // namespace gauntlet::policies
