#include "policies/remote/server_spec.h"

#include "harness/text_join.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

Result<SpecLayer> ServerSpecLayer(const msgpack::object& metadata) {
  nlohmann::json declared = nlohmann::json::object();
  if (metadata.type == msgpack::type::MAP) {
    for (const DeclaredSpecKey& key : DeclaredSpecKeys()) {
      const msgpack::object* value = key.declarable ? FindKey(metadata, key.key) : nullptr;
      if (!value) continue;
      auto array = IsNdArray(*value) ? DecodeNdArray(*value) : Result<NdArray>(Error{""});
      if (array.ok() && array.value().shape.size() <= 1) {
        const std::vector<double> numbers = array.value().ToDoubles();
        declared[key.key] = array.value().shape.empty() ? nlohmann::json(numbers.at(0)) : nlohmann::json(numbers);
      } else {
        declared[key.key] = ToJson(*value);
      }
    }
  }
  return SpecLayerFromJson(declared, "server metadata", UnknownSpecKeys::kIgnore);
}

std::vector<SpecLayer> RemoteSpecLayers(const ObservationKeyMap& keys, const std::string& preset, SpecLayer server) {
  return {SpecLayer{"the key map",
                    {{"cameras", JoinText(keys.cameras(), ",")}, {"state_keys", JoinText(keys.state_keys(), ",")}},
                    true},
          std::move(server),
          SpecLayer{"the remote default",
                    {{"image_size", "224"}, {"orientation", preset == "libero" ? "rotated180" : "upright"}}}};
}

}  // namespace gauntlet::policies::remote
