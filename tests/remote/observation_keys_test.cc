#include "policies/remote/observation_keys.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/remote/sample_observation.h"
#include "tests/test_support.h"

namespace gauntlet::policies::remote {
namespace {

msgpack::object_handle PackToObject(const ObservationKeyMap& keys, const Observation& obs) {
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  Status s = keys.Pack(obs, packer);
  EXPECT_TRUE(s.ok()) << s.message();
  auto unpacked = Unpack(buffer.data(), buffer.size());
  EXPECT_TRUE(unpacked.ok());
  return std::move(unpacked).value();
}

std::vector<std::string> Keys(const msgpack::object& map) {
  std::vector<std::string> keys;
  const nlohmann::json picture = ToJson(map);
  for (const auto& [key, value] : picture.items()) keys.push_back(key);
  return keys;
}

TEST(RemoteObservationKeys, LiberoPresetWritesOpenpisLiberoExample) {
  auto keys = ObservationKeyMap::Preset("libero");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys.value().cameras(), (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(keys.value().state_keys(), (std::vector<std::string>{"eef_pos", "eef_axis_angle", "gripper_qpos"}));
  EXPECT_TRUE(keys.value().instruction());
  const Observation obs = testing::SampleObservation(16, 2);
  auto packed = PackToObject(keys.value(), obs);
  const msgpack::object& map = packed.get();
  EXPECT_EQ(Keys(map), (std::vector<std::string>{"observation/image", "observation/state", "observation/wrist_image",
                                                 "prompt"}));
  auto image = DecodeNdArray(*FindKey(map, "observation/image"));
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image.value().dtype.str, "|u1");
  EXPECT_EQ(image.value().shape, (std::vector<std::int64_t>{16, 16, 3}));
  EXPECT_EQ(std::vector<std::uint8_t>(image.value().data, image.value().data + image.value().bytes),
            obs.images.at("agentview").rgb);
  auto state = DecodeNdArray(*FindKey(map, "observation/state"));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state.value().dtype.str, "<f8");
  std::vector<double> expected = obs.state.at("eef_pos");
  for (const char* k : {"eef_axis_angle", "gripper_qpos"}) {
    expected.insert(expected.end(), obs.state.at(k).begin(), obs.state.at(k).end());
  }
  EXPECT_EQ(state.value().ToDoubles(), expected);
  EXPECT_EQ(ToJson(*FindKey(map, "prompt")), obs.instruction);
}

TEST(RemoteObservationKeys, DroidPresetSendsJointsAndTheFirstFinger) {
  auto keys = ObservationKeyMap::Preset("droid");
  ASSERT_TRUE(keys.ok());
  const Observation obs = testing::SampleObservation();
  auto packed = PackToObject(keys.value(), obs);
  const msgpack::object& map = packed.get();
  EXPECT_EQ(DecodeNdArray(*FindKey(map, "observation/joint_position")).value().ToDoubles(), obs.state.at("joint_pos"));
  EXPECT_EQ(DecodeNdArray(*FindKey(map, "observation/gripper_position")).value().ToDoubles(),
            std::vector<double>{obs.state.at("gripper_qpos")[0]});
  EXPECT_NE(FindKey(map, "observation/exterior_image_1_left"), nullptr);
  EXPECT_NE(FindKey(map, "observation/wrist_image_left"), nullptr);
}

TEST(RemoteObservationKeys, AlohaPresetSendsTheDualArmStateAndThreeChannelsFirstImages) {
  auto keys = ObservationKeyMap::Preset("aloha");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys.value().cameras(), (std::vector<std::string>{"head", "left_wrist", "right_wrist"}));
  Observation obs;  // what the dual-arm family offers
  obs.images["head"] = testing::PatternImage(4, 3, 0);
  obs.images["left_wrist"] = testing::PatternImage(4, 3, 1);
  obs.images["right_wrist"] = testing::PatternImage(4, 3, 2);
  obs.state["joint_pos"] = std::vector<double>(14, 0.25);
  obs.instruction = "hand the block over";
  auto packed = PackToObject(keys.value(), obs);
  const msgpack::object* images = FindKey(packed.get(), "images");
  ASSERT_NE(images, nullptr);
  auto high = DecodeNdArray(*FindKey(*images, "cam_high"));
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(high.value().shape, (std::vector<std::int64_t>{3, 3, 4}));
  const Image& head = obs.images.at("head");
  for (int c = 0; c < 3; ++c) {
    for (int p = 0; p < 12; ++p) {
      EXPECT_EQ(static_cast<std::uint8_t>(high.value().data[c * 12 + p]), head.rgb[3 * p + c]);
    }
  }
  EXPECT_NE(FindKey(*images, "cam_left_wrist"), nullptr);
  EXPECT_NE(FindKey(*images, "cam_right_wrist"), nullptr);
  EXPECT_EQ(FindKey(*images, "cam_low"), nullptr);
  EXPECT_EQ(DecodeNdArray(*FindKey(packed.get(), "state")).value().ToDoubles(), obs.state.at("joint_pos"));
}

TEST(RemoteObservationKeys, AKeyMapFileIsReadAndItsMistakesNamed) {
  const std::string dir = testing::TempDir("keymap");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  auto good = ObservationKeyMap::LoadFile(write("good.json", R"({"img": "image:wrist",
      "s": "state:gripper_qpos[1]+eef_pos", "meta": {"text": "instruction"}})"));
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good.value().cameras(), std::vector<std::string>{"wrist"});
  EXPECT_EQ(good.value().state_keys(), (std::vector<std::string>{"gripper_qpos", "eef_pos"}));
  const Observation obs = testing::SampleObservation();
  auto packed = PackToObject(good.value(), obs);
  EXPECT_EQ(DecodeNdArray(*FindKey(packed.get(), "s")).value().ToDoubles(), (std::vector<double>{0.038, -0.1, 0.02, 1.05}));
  EXPECT_EQ(ToJson(*FindKey(*FindKey(packed.get(), "meta"), "text")), obs.instruction);

  auto unknown = ObservationKeyMap::LoadFile(write("bad1.json", R"({"a": {"b": "depth:agentview"}})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("'a.b': unknown source 'depth:agentview'"), std::string::npos)
      << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("bad1.json"), std::string::npos);
  EXPECT_FALSE(ObservationKeyMap::LoadFile(write("bad2.json", R"({"s": "state:eef_pos[x]"})")).ok());
  EXPECT_FALSE(ObservationKeyMap::LoadFile(write("bad3.json", R"({"s": 3})")).ok());
  EXPECT_FALSE(ObservationKeyMap::LoadFile(write("bad4.json", "{}")).ok());
  EXPECT_FALSE(ObservationKeyMap::LoadFile(write("bad5.json", "not json")).ok());
  EXPECT_FALSE(ObservationKeyMap::LoadFile(dir + "/missing.json").ok());
  EXPECT_FALSE(ObservationKeyMap::Preset("bridge").ok());

  auto past_end = ObservationKeyMap::LoadFile(write("idx.json", R"({"s": "state:eef_pos[3]"})"));
  ASSERT_TRUE(past_end.ok());
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  Status s = past_end.value().Pack(obs, packer);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("wire key 's': state 'eef_pos' has 3 values, no index 3"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace gauntlet::policies::remote
