// The one schema of a plug-in policy's declared spec: every source (text
// key/values as metadata() and --policy-opt give them, JSON as a server or a
// Python spec dict gives it) reads the same declaration as the same spec, and
// the printed form the run records reads back as that spec.
#include "harness/declared_policy_spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "policies/declared_spec.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

using Json = nlohmann::json;

Json Example() {
  std::ifstream in(testing::SourceDir() + "/tests/harness/declared_spec_example.json");
  return Json::parse(in);
}

std::map<std::string, std::string> TextOf(const Json& object) {
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : object.items()) values[key] = value.get<std::string>();
  return values;
}

Json Printed(const Result<ResolvedPolicySpec>& resolved) {
  EXPECT_TRUE(resolved.ok()) << resolved.error().message;
  return resolved.ok() ? PrintDeclaredPolicySpec(resolved.value().spec) : Json();
}

std::string ErrorOf(const std::vector<SpecLayer>& layers) {
  auto resolved = ResolveDeclaredPolicySpec(layers);
  return resolved.ok() ? "(no error)" : resolved.error().message;
}

TEST(DeclaredPolicySpec, EverySourceReadsTheSameDeclarationAsTheSameSpec) {
  const Json example = Example();
  const Json& printed = example["printed"];

  // TorchScript metadata(): text, with the module's own keys beside the spec's.
  EXPECT_EQ(Printed(ResolveDeclaredPolicySpec({SpecLayer{"metadata()", TextOf(example["text"])}})), printed);

  // A server's metadata frame or a Python spec dict: typed JSON.
  auto json = SpecLayerFromJson(example["json"], "server metadata", UnknownSpecKeys::kIgnore);
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ(Printed(ResolveDeclaredPolicySpec({json.value()})), printed);

  // --policy-opt alone, over a policy that declares nothing.
  std::vector<std::string> items;
  for (const auto& [key, value] : TextOf(example["text"])) {
    if (key != "policy") items.push_back(key + "=" + value);
  }
  auto options = policies::PolicyOptions::Parse(items);
  ASSERT_TRUE(options.ok());
  auto from_options = policies::ResolveDeclaredSpec({}, options.value());
  ASSERT_TRUE(from_options.ok()) << from_options.error().message;
  EXPECT_EQ(PrintDeclaredPolicySpec(from_options.value()), printed);
  EXPECT_TRUE(options.value().CheckAllKnown("torchscript").ok());

  // The printed form reads back as the same spec.
  auto reread = ParsePrintedPolicySpec(printed);
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  EXPECT_EQ(PrintDeclaredPolicySpec(reread.value()), printed);
}

TEST(DeclaredPolicySpec, DefaultsAreTheTabletopInterface) {
  auto resolved = ResolveDeclaredPolicySpec({});
  ASSERT_TRUE(resolved.ok());
  const DeclaredPolicySpec& spec = resolved.value().spec;
  EXPECT_EQ(spec.action.Describe(), "eef_delta[7] rotation=axis_angle gripper=-1open/+1close");
  EXPECT_EQ(spec.action.low, std::vector<double>(7, -1.0));
  EXPECT_EQ(spec.action.high, std::vector<double>(7, 1.0));
  EXPECT_EQ(spec.needs.cameras, (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(spec.needs.state_keys, (std::vector<std::string>{"eef_pos", "eef_axis_angle", "gripper_qpos"}));
  EXPECT_EQ(spec.needs.image_width, 0);
  EXPECT_FALSE(spec.needs.task_id);
  for (const DeclaredSpecKey& key : DeclaredSpecKeys()) {
    EXPECT_FALSE(key.meaning.empty()) << key.key;
    if (!key.declarable) continue;
    EXPECT_EQ(resolved.value().in_force.at(key.key).source, "default") << key.key;
    EXPECT_EQ(resolved.value().in_force.at(key.key).text, key.default_text) << key.key;
  }
}

TEST(DeclaredPolicySpec, TheFirstLayerThatHasAKeyWinsAndIsNamed) {
  auto resolved = ResolveDeclaredPolicySpec({SpecLayer{"--policy-opt", {{"chunk", "8"}}},
                                             SpecLayer{"metadata()", {{"chunk", "4"}, {"action_dim", "6"}}}});
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved.value().spec.action.chunk_length, 8);
  EXPECT_EQ(resolved.value().spec.action.dim, 6);
  EXPECT_EQ(resolved.value().spec.action.low, std::vector<double>(6, -1.0));  // the default fits the width
  EXPECT_EQ(resolved.value().in_force.at("chunk").source, "--policy-opt");
  EXPECT_EQ(resolved.value().in_force.at("action_dim").source, "metadata()");
  // A valid value above an invalid one hides it.
  EXPECT_TRUE(ResolveDeclaredPolicySpec({SpecLayer{"--policy-opt", {{"action_dim", "7"}}},
                                         SpecLayer{"metadata()", {{"action_dim", "seven"}}}})
                  .ok());
}

TEST(DeclaredPolicySpec, InvalidValuesNameTheKeyTheValueAndTheSource) {
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"action_dim", "seven"}}}}),
            "action_dim='seven' (from metadata()): expected an integer >= 1");
  EXPECT_EQ(ErrorOf({SpecLayer{"--policy-opt", {{"chunk", "-1"}}}}),
            "chunk='-1' (from --policy-opt): expected an integer >= 0");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"normalized", "maybe"}}}}),
            "normalized='maybe' (from metadata()): expected true or false");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"image_size", "big"}}}}),
            "image_size='big' (from metadata()): expected N or WxH pixels (0: any size)");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"image_size", "0x64"}}}}),
            "image_size='0x64' (from metadata()): expected N or WxH pixels (0: any size)");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"rotation", "sideways"}}}}).find(
                "rotation='sideways' (from metadata()): unknown rotation format 'sideways'"),
            0u);
  EXPECT_EQ(ErrorOf({SpecLayer{"server metadata", {{"action_low", "-1,-1"}}}}),
            "action_low='-1,-1' (from server metadata): has 2 values, expected 1 or action_dim (7)");
  EXPECT_EQ(ErrorOf({SpecLayer{"server metadata", {{"action_low", "-1,x"}}}}),
            "action_low='-1,x' (from server metadata): expected finite numbers separated by commas");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"action_low", "0"}, {"action_high", "1,1,1,1,1,1,-1"}}}}),
            "action_high='1,1,1,1,1,1,-1' (from metadata()): value 6 is below action_low's (0)");
  EXPECT_EQ(ErrorOf({SpecLayer{"metadata()", {{"action_low", ""}}}}),
            "action_high='1' (from default): bounds must be declared on both sides (action_low) or neither");
  // No bounds at all is a declaration too.
  auto unbounded = ResolveDeclaredPolicySpec({SpecLayer{"metadata()", {{"action_low", ""}, {"action_high", " "}}}});
  ASSERT_TRUE(unbounded.ok()) << unbounded.error().message;
  EXPECT_TRUE(unbounded.value().spec.action.low.empty());
}

TEST(DeclaredPolicySpec, JsonValuesMustHaveTheirTypesJsonForm) {
  auto error = [](const Json& object) {
    auto layer = SpecLayerFromJson(object, "Python attribute spec", UnknownSpecKeys::kReject);
    return layer.ok() ? "(no error)" : layer.error().message;
  };
  EXPECT_EQ(error({{"action_dim", "7"}}), R"(action_dim="7" (from Python attribute spec): expected an integer)");
  EXPECT_EQ(error({{"action_dim", 7.5}}), "action_dim=7.5 (from Python attribute spec): expected an integer");
  EXPECT_EQ(error({{"cameras", "wrist"}}),
            R"(cameras="wrist" (from Python attribute spec): expected a list of names (strings without commas))");
  EXPECT_EQ(error({{"cameras", {"a,b"}}}),
            R"(cameras=["a,b"] (from Python attribute spec): expected a list of names (strings without commas))");
  EXPECT_EQ(error({{"image_size", {64}}}),
            "image_size=[64] (from Python attribute spec): expected an integer or [width, height]");
  EXPECT_EQ(error({{"normalized", "yes"}}), R"(normalized="yes" (from Python attribute spec): expected true or false)");
  EXPECT_EQ(error({{"action_high", {1, "x"}}}),
            R"(action_high=[1,"x"] (from Python attribute spec): expected a number or a list of numbers)");
  EXPECT_EQ(error({{"action_dims", 7}}).find("unknown key 'action_dims' in Python attribute spec (known: action_kind, "),
            0u);
  EXPECT_NE(error({{"instruction", false}}).find("unknown key 'instruction'"), std::string::npos);  // printed only
  // Where other keys are the source's own information, they are skipped.
  auto server = SpecLayerFromJson({{"policy", "pi0"}, {"chunk", 10}, {"normalized", 1}}, "server metadata",
                                  UnknownSpecKeys::kIgnore);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(server.value().values, (std::map<std::string, std::string>{{"chunk", "10"}, {"normalized", "1"}}));
  EXPECT_FALSE(SpecLayerFromJson(Json::array(), "server metadata", UnknownSpecKeys::kIgnore).ok());
}

TEST(DeclaredPolicySpec, AFixedLayerMayBeRepeatedButNotContradicted) {
  const SpecLayer key_map{"the key map", {{"cameras", "agentview,wrist"}}, true};
  EXPECT_TRUE(ResolveDeclaredPolicySpec({key_map, SpecLayer{"server metadata", {{"cameras", "agentview, wrist"}}}}).ok());
  EXPECT_EQ(ErrorOf({key_map, SpecLayer{"--policy-opt", {{"cameras", "wrist"}}}}),
            "cameras='wrist' (from --policy-opt): the key map fixes it to 'agentview,wrist'");
  // policies::ResolveDeclaredSpec puts --policy-opt under the fixed layers.
  auto options = policies::PolicyOptions::Parse({"cameras=wrist"});
  auto spec = policies::ResolveDeclaredSpec({key_map, SpecLayer{"server metadata", {}}}, options.value());
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().message, "cameras='wrist' (from --policy-opt): the key map fixes it to 'agentview,wrist'");
}

TEST(DeclaredPolicySpec, TheValuesInForceAreRecordedInTheirJsonForm) {
  auto options = policies::PolicyOptions::Parse({"image_size=256x224", "chunk=4"});
  auto spec = policies::ResolveDeclaredSpec({SpecLayer{"metadata()", {{"cameras", "agentview, wrist"}, {"chunk", "2"}}}},
                                            options.value());
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Json& resolved = options.value().resolved();
  EXPECT_EQ(resolved["image_size"], Json::parse("[256, 224]"));
  EXPECT_EQ(resolved["chunk"], 4);
  EXPECT_EQ(resolved["cameras"], Json::parse(R"(["agentview", "wrist"])"));
  EXPECT_EQ(resolved["normalized"], false);
  EXPECT_EQ(resolved["action_low"], Json(std::vector<double>(7, -1.0)));
  EXPECT_EQ(resolved["gripper"], "-1open/+1close");
  EXPECT_EQ(spec.value().needs.image_width, 256);
  EXPECT_EQ(spec.value().needs.image_height, 224);
}

TEST(DeclaredPolicySpec, ThePrintedFormReadsBackForAnySpec) {
  DeclaredPolicySpec spec;
  spec.action = LiberoEefDeltaSpec();
  spec.action.kind = ActionKind::kEefAbs;
  spec.action.rotation = RotationFormat::kQuatXyzw;
  spec.action.dim = 8;
  spec.action.low = {-0.1, -0.2, -0.3, -1, -1, -1, -1, 0};
  spec.action.high = {0.1, 0.2, 0.3, 1, 1, 1, 1, 1};
  spec.action.gripper = GripperConvention::kOneOpenZeroClose;
  spec.action.normalized = true;
  spec.action.chunk_length = 50;
  spec.needs.cameras = {};
  spec.needs.image_width = 320;
  spec.needs.image_height = 240;
  spec.needs.orientation = ImageOrientation::kRotated180;
  spec.needs.state_keys = {"joint_pos"};
  spec.needs.instruction = false;
  spec.needs.task_id = true;
  spec.needs.privileged = true;
  const Json printed = PrintDeclaredPolicySpec(spec);
  EXPECT_EQ(printed["action"]["low"][1], -0.2);
  auto reread = ParsePrintedPolicySpec(printed);
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  EXPECT_EQ(PrintDeclaredPolicySpec(reread.value()), printed);
  EXPECT_EQ(reread.value().action.low, spec.action.low);
  EXPECT_FALSE(reread.value().needs.instruction);
  EXPECT_TRUE(reread.value().needs.privileged);

  // A spec without bounds (a family-side PolicyInfo built by hand) too.
  DeclaredPolicySpec bare;
  bare.action.dim = 3;
  auto bare_reread = ParsePrintedPolicySpec(PrintDeclaredPolicySpec(bare));
  ASSERT_TRUE(bare_reread.ok()) << bare_reread.error().message;
  EXPECT_EQ(PrintDeclaredPolicySpec(bare_reread.value()), PrintDeclaredPolicySpec(bare));

  auto bad = ParsePrintedPolicySpec(Json::parse(R"({"action": {"dim": "7"}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, R"(spec.action.dim="7": expected an integer)");
}

}  // namespace
}  // namespace gauntlet
