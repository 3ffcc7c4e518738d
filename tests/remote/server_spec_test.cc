// A server declares its spec in its metadata frame, with the keys and JSON
// forms of harness/declared_policy_spec.h (a NumPy array being a list of
// numbers); the key map fixes the cameras and state keys.
#include "policies/remote/server_spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "policies/remote/msgpack_numpy.h"
#include "tests/test_support.h"

namespace gauntlet::policies::remote {
namespace {

using Json = nlohmann::json;

void PackJson(Packer& p, const Json& value) {
  if (value.is_object()) {
    p.pack_map(static_cast<uint32_t>(value.size()));
    for (const auto& [key, item] : value.items()) {
      PackKey(p, key);
      PackJson(p, item);
    }
  } else if (value.is_array()) {
    p.pack_array(static_cast<uint32_t>(value.size()));
    for (const Json& item : value) PackJson(p, item);
  } else if (value.is_string()) {
    PackString(p, value.get<std::string>());
  } else if (value.is_boolean()) {
    value.get<bool>() ? p.pack_true() : p.pack_false();
  } else if (value.is_number_integer()) {
    p.pack(value.get<std::int64_t>());
  } else {
    p.pack(value.get<double>());
  }
}

// The example declaration as a Python server packs it: `action_low` a NumPy
// array, beside the server's own keys (an array of bounds it names its own way).
msgpack::object_handle ServerMetadata() {
  std::ifstream in(testing::SourceDir() + "/tests/harness/declared_spec_example.json");
  Json declared = Json::parse(in)["json"];
  const std::vector<double> low = declared["action_low"];
  declared.erase("action_low");
  const std::vector<float> bounds(14, 1.0f);
  msgpack::sbuffer buffer;
  Packer p(&buffer);
  p.pack_map(static_cast<uint32_t>(declared.size() + 3));
  for (const auto& [key, item] : declared.items()) {
    PackKey(p, key);
    PackJson(p, item);
  }
  PackKey(p, "action_low");
  PackNdArray(p, "<f8", {7}, low.data(), low.size() * sizeof(double));
  PackKey(p, "policy");
  PackString(p, "probe");
  PackKey(p, "action_bounds");
  PackNdArray(p, "<f4", {2, 7}, bounds.data(), bounds.size() * sizeof(float));
  auto unpacked = Unpack(buffer.data(), buffer.size());
  EXPECT_TRUE(unpacked.ok());
  return std::move(unpacked).value();
}

TEST(RemoteServerSpec, AServersMetadataReadsAsTheSameSpecAsTheOtherSources) {
  std::ifstream in(testing::SourceDir() + "/tests/harness/declared_spec_example.json");
  const Json printed = Json::parse(in)["printed"];
  const msgpack::object_handle metadata = ServerMetadata();
  auto layer = ServerSpecLayer(metadata.get());
  ASSERT_TRUE(layer.ok()) << layer.error().message;
  EXPECT_EQ(layer.value().source, "server metadata");
  EXPECT_FALSE(layer.value().values.count("policy"));
  auto resolved = ResolveDeclaredPolicySpec({layer.value()});
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(PrintDeclaredPolicySpec(resolved.value().spec), printed);
}

TEST(RemoteServerSpec, TheKeyMapFixesCamerasAndStateKeys) {
  const msgpack::object_handle metadata = ServerMetadata();
  auto libero = ObservationKeyMap::Preset("libero");
  ASSERT_TRUE(libero.ok());
  auto resolved = ResolveDeclaredPolicySpec(RemoteSpecLayers(libero.value(), "libero", ServerSpecLayer(metadata.get()).value()));
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().message,
            "cameras='wrist' (from server metadata): the key map fixes it to 'agentview,wrist'");

  // A plain openpi server (no map, or no spec keys) declares nothing: the
  // remote defaults hold.
  auto plain = ResolveDeclaredPolicySpec(RemoteSpecLayers(libero.value(), "libero", ServerSpecLayer(msgpack::object()).value()));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain.value().spec.needs.image_width, 224);
  EXPECT_EQ(plain.value().spec.needs.orientation, ImageOrientation::kRotated180);
  EXPECT_EQ(plain.value().spec.needs.state_keys, libero.value().state_keys());
  EXPECT_EQ(plain.value().in_force.at("cameras").source, "the key map");
  EXPECT_EQ(plain.value().in_force.at("image_size").source, "the remote default");
}

TEST(RemoteServerSpec, AWronglyTypedDeclarationNamesTheServer) {
  msgpack::sbuffer buffer;
  Packer p(&buffer);
  p.pack_map(1);
  PackKey(p, "chunk");
  PackString(p, "4");
  auto metadata = Unpack(buffer.data(), buffer.size());
  ASSERT_TRUE(metadata.ok());
  auto layer = ServerSpecLayer(metadata.value().get());
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().message, R"(chunk="4" (from server metadata): expected an integer)");
}

}  // namespace
}  // namespace gauntlet::policies::remote
