// The spec of a remote policy (harness/declared_policy_spec.h), from three
// places besides --policy-opt:
//   the key map     fixes `cameras` and `state_keys` to what it sends: a server
//                   or --policy-opt may repeat them but not change them;
//   the server      its metadata frame's top-level keys of the schema (a NumPy
//                   array is read as its list of numbers); its other keys are
//                   its own information;
//   remote defaults `image_size` 224 and `orientation` rotated180 for the
//                   libero preset (upright otherwise): what openpi's models
//                   were trained on.
#pragma once

#include <msgpack.hpp>
#include <string>
#include <vector>

#include "harness/declared_policy_spec.h"
#include "policies/remote/observation_keys.h"

namespace gauntlet::policies::remote {

// The server's declared keys, source "server metadata". A metadata frame that
// is not a map declares nothing.
Result<SpecLayer> ServerSpecLayer(const msgpack::object& metadata);

// The layers under --policy-opt, highest first (policies/declared_spec.h puts
// --policy-opt below the fixed key map layer).
std::vector<SpecLayer> RemoteSpecLayers(const ObservationKeyMap& keys, const std::string& preset, SpecLayer server);

}  // namespace gauntlet::policies::remote
