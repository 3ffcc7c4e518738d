// `remote:ws://HOST:PORT`: a policy served over openpi's websocket protocol.
// Wire format, presets and failure handling: README.md "Remote policies".
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeRemotePolicy(const std::string& url, PolicyOptions options);

}  // namespace gauntlet::policies
