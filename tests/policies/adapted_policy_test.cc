// Adapters: each conversion checked against hand-computed values, refusals
// of adapters that would change nothing, and the record they leave.
#include "policies/adapted_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "envs/tabletop/tabletop_env.h"
#include "policies/action_denormalizer.h"
#include "policies/image_transforms.h"
#include "harness/rotation_conversions.h"
#include "tests/test_support.h"

namespace gauntlet::policies {
namespace {

// Emits the actions it is given and keeps the observation it saw.
class FixedPolicy : public Policy {
 public:
  PolicyInfo info_;
  std::vector<Action> emit;
  Observation seen;
  PolicyInfo info() const override { return info_; }
  void reset(const EpisodeContext&) override {}
  ActionChunk act(const Observation& obs) override {
    seen = obs;
    return ActionChunk{emit, {}};
  }
};

ActionSpec Family() { return envs::tabletop::TabletopActionSpec(); }
ObservationSpec Offer() { return envs::tabletop::TabletopObservationSpec(128, 128); }

std::unique_ptr<FixedPolicy> Fixed(const std::vector<Action>& emit) {
  auto p = std::make_unique<FixedPolicy>();
  p->info_.name = p->info_.kind = "fixed";
  p->info_.action_spec = Family();
  p->emit = emit;
  return p;
}

std::vector<AdapterRequest> Parse(std::vector<std::string> items) {
  auto r = ParseAdapters(items);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : std::vector<AdapterRequest>{};
}

ActionChunk Act(Policy& policy) { return policy.act(Observation{}); }

TEST(Adapters, ParsingRefusesUnknownRepeatedAndMalformedAdapters) {
  EXPECT_EQ(Parse({"gripper,rotation", "denorm=s.json"}).size(), 3u);
  EXPECT_NE(ParseAdapters({"gripper,flip"}).error().message.find("unknown adapter"), std::string::npos);
  EXPECT_NE(ParseAdapters({"gripper", "gripper"}).error().message.find("given twice"), std::string::npos);
  EXPECT_NE(ParseAdapters({"denorm"}).error().message.find("denorm=FILE"), std::string::npos);
  EXPECT_NE(ParseAdapters({"flip180=yes"}).error().message.find("takes no argument"), std::string::npos);
}

// A client bundle is the adapters it names, recorded as those; mixing it with
// one of them is a repetition like any other.
TEST(Adapters, ClientBundlesExpandIntoTheirAdapters) {
  const auto libero = Parse({"openpi_libero"});
  ASSERT_EQ(libero.size(), 2u);
  EXPECT_EQ(libero[0].name, "flip180");
  EXPECT_EQ(libero[1].name, "resize_pad");
  const auto droid = Parse({"gripper,openpi_droid"});
  ASSERT_EQ(droid.size(), 2u);
  EXPECT_EQ(droid[1].name, "resize_pad");
  EXPECT_EQ(Parse({"openpi_aloha"}).front().name, "resize_pad");
  EXPECT_NE(ParseAdapters({"openpi_libero,flip180"}).error().message.find("flip180: given twice"), std::string::npos);
  EXPECT_NE(ParseAdapters({"openpi"}).error().message.find("openpi_libero"), std::string::npos);
}

TEST(Adapters, GripperConventionsMapThroughHowClosedTheHandIs) {
  auto inner = Fixed({{0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, -1}, {0, 0, 0, 0, 0, 0, 0.5}});
  inner->info_.action_spec.gripper = GripperConvention::kPosOpenNegClose;  // CALVIN
  auto adapted = Adapt(std::move(inner), Parse({"gripper"}), Family(), Offer());
  ASSERT_TRUE(adapted.ok()) << adapted.error().message;
  ActionChunk c = Act(*adapted.value());
  EXPECT_EQ(c.actions[0][6], -1);   // +1 open -> -1 open
  EXPECT_EQ(c.actions[1][6], 1);    // -1 close -> +1 close
  EXPECT_EQ(c.actions[2][6], -0.5); // a quarter closed either way
  EXPECT_EQ(adapted.value()->info().action_spec.gripper, GripperConvention::kNegOpenPosClose);

  auto robotwin = Fixed({{0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0}});
  robotwin->info_.action_spec.gripper = GripperConvention::kOneOpenZeroClose;
  auto r = Adapt(std::move(robotwin), Parse({"gripper"}), Family(), Offer());
  ASSERT_TRUE(r.ok());
  c = Act(*r.value());
  EXPECT_EQ(c.actions[0][6], -1);
  EXPECT_EQ(c.actions[1][6], 1);
}

TEST(Adapters, AnAdapterThatWouldChangeNothingIsRefused) {
  auto r = Adapt(Fixed({}), Parse({"gripper"}), Family(), Offer());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("already uses the task's convention -1open/+1close"), std::string::npos);
  r = Adapt(Fixed({}), Parse({"rotation"}), Family(), Offer());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("already emits axis_angle"), std::string::npos);
  r = Adapt(Fixed({}), Parse({"flip180"}), Family(), Offer());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("expects upright images"), std::string::npos);
  r = Adapt(Fixed({}), Parse({"resize_pad"}), Family(), Offer());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("declares no camera and image size"), std::string::npos);
}

TEST(Rotations, QuaternionsBecomeAxisAngleWithTheAngleAtMostPi) {
  const double h = std::sqrt(0.5);
  auto aa = QuatWxyzToAxisAngle({h, 0, 0, h});  // +90 degrees about z
  EXPECT_NEAR(aa[0], 0, 1e-12);
  EXPECT_NEAR(aa[2], M_PI / 2, 1e-12);
  auto antipode = QuatWxyzToAxisAngle({-h, 0, 0, -h});  // the same rotation
  EXPECT_NEAR(antipode[2], M_PI / 2, 1e-12);
  // w < 0 read naively is a 270-degree turn; it is -90 degrees.
  auto turned = QuatWxyzToAxisAngle({-h, 0, 0, h});
  EXPECT_NEAR(turned[2], -M_PI / 2, 1e-12);
  auto unnormalised = QuatWxyzToAxisAngle({2 * h, 0, 0, 2 * h});
  EXPECT_NEAR(unnormalised[2], M_PI / 2, 1e-12);
  auto identity = QuatWxyzToAxisAngle({1, 0, 0, 0});
  EXPECT_EQ(identity[0] + identity[1] + identity[2], 0);
  auto euler = EulerXyzToAxisAngle(0, 0, 0.3);
  EXPECT_NEAR(euler[2], 0.3, 1e-12);
  auto roll = EulerXyzToAxisAngle(-0.4, 0, 0);
  EXPECT_NEAR(roll[0], -0.4, 1e-12);
}

TEST(Adapters, RotationConvertsAnXyzwQuaternionActionToSevenValues) {
  const double h = std::sqrt(0.5);
  auto inner = Fixed({{0.1, 0.2, 0.3, 0, 0, -h, -h, 1}});  // xyzw: -(0,0,h,h) = +90 about z
  inner->info_.action_spec.rotation = RotationFormat::kQuatXyzw;
  inner->info_.action_spec.dim = 8;
  auto r = Adapt(std::move(inner), Parse({"rotation"}), Family(), Offer());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ActionChunk c = Act(*r.value());
  ASSERT_EQ(c.actions[0].size(), 7u);
  EXPECT_EQ(c.actions[0][0], 0.1);
  EXPECT_NEAR(c.actions[0][5], M_PI / 2, 1e-12);
  EXPECT_EQ(c.actions[0][6], 1);
  const PolicyInfo info = r.value()->info();
  EXPECT_EQ(info.action_spec.dim, 7);
  EXPECT_TRUE(CheckCompatible(Family(), info.action_spec).ok());
  auto record = nlohmann::json::parse(info.adapters_json);
  ASSERT_EQ(record.size(), 1u);
  EXPECT_EQ(record[0]["name"], "rotation");
  EXPECT_EQ(record[0]["from"], "quat_xyzw");
}

TEST(Adapters, AWrongWidthFromTheInnerPolicyIsAPolicyError) {
  auto inner = Fixed({{0, 0, 0, 0, 0, 0, 0}});
  inner->info_.action_spec.rotation = RotationFormat::kQuatWxyz;
  inner->info_.action_spec.dim = 8;
  auto r = Adapt(std::move(inner), Parse({"rotation"}), Family(), Offer());
  ASSERT_TRUE(r.ok());
  EXPECT_THROW(Act(*r.value()), PolicyError);
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir("denorm") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Denorm, MinMaxQuantileAndZScoreWithAMask) {
  const std::string path = WriteFile("stats.json", R"({"action": {"min": [0, -2, 0, 0, 0, 0, 0], "max": [1, 2, 0, 0, 0, 0, 1],
      "mean": [10, 0, 0, 0, 0, 0, 0], "std": [2, 1, 1, 1, 1, 1, 1],
      "mask": [true, true, true, true, true, true, false]}})");
  auto several = ActionDenormalizer::Load(path, 7);
  ASSERT_FALSE(several.ok());
  EXPECT_NE(several.error().message.find("pick one with " + path + "@MODE"), std::string::npos);
  auto minmax = ActionDenormalizer::Load(path + "@minmax", 7);
  ASSERT_TRUE(minmax.ok()) << minmax.error().message;
  Action a{-1, 0.5, 0, 0, 0, 0, -1};
  minmax.value().Apply(a);
  EXPECT_EQ(a[0], 0);     // -1 -> min
  EXPECT_EQ(a[1], 1);     // 0.5 of [-2, 2]
  EXPECT_EQ(a[6], -1);    // masked: left as it is
  auto zscore = ActionDenormalizer::Load(path + "@zscore", 7);
  ASSERT_TRUE(zscore.ok());
  Action b{1, 0, 0, 0, 0, 0, 1};
  zscore.value().Apply(b);
  EXPECT_EQ(b[0], 12);
  EXPECT_EQ(zscore.value().Describe()["mode"], "zscore");
  EXPECT_EQ(zscore.value().Describe()["sha256"].get<std::string>().size(), 64u);
}

TEST(Denorm, OpenpiStatisticsPaddedTo32AreCutOnTheRecord) {
  std::string q01 = "[", q99 = "[";
  for (int i = 0; i < 32; ++i) {
    q01 += std::string(i ? "," : "") + "-" + std::to_string(i + 1);
    q99 += std::string(i ? "," : "") + std::to_string(i + 1);
  }
  const std::string path = WriteFile("norm_stats.json",
      R"({"norm_stats": {"actions": {"q01": )" + q01 + R"(], "q99": )" + q99 + "]}}}");
  auto d = ActionDenormalizer::Load(path, 7);
  ASSERT_TRUE(d.ok()) << d.error().message;
  Action a{1, 1, 1, 1, 1, 1, 0.5};
  d.value().Apply(a);
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[2], 3);
  EXPECT_EQ(a[6], 3.5);
  EXPECT_EQ(d.value().Describe()["cut_from"], 32);
  EXPECT_FALSE(ActionDenormalizer::Load(WriteFile("bad.json", "{\"action\": {\"min\": [0]}}"), 7).ok());
  EXPECT_NE(ActionDenormalizer::Load(WriteFile("short.json", R"({"action": {"min": [0], "max": [1]}})"), 7)
                .error().message.find("length 1/1 for actions of width 7"),
            std::string::npos);
}

TEST(Adapters, DenormNeedsAPolicyThatDeclaresNormalisedActions) {
  const std::string path = WriteFile("s.json", R"({"action": {"mean": [0,0,0,0,0,0,0], "std": [2,2,2,2,2,2,1]}})");
  auto refused = Adapt(Fixed({}), Parse({"denorm=" + path}), Family(), Offer());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("does not declare normalised actions"), std::string::npos);
  auto inner = Fixed({{0.5, 0, 0, 0, 0, 0, 1}});
  inner->info_.action_spec.normalized = true;
  auto r = Adapt(std::move(inner), Parse({"denorm=" + path}), Family(), Offer());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(Act(*r.value()).actions[0][0], 1.0);
  EXPECT_FALSE(r.value()->info().action_spec.normalized);
  EXPECT_EQ(nlohmann::json::parse(r.value()->info().adapters_json)[0]["file"], path);
}

Image Gradient(int w, int h) {
  Image im;
  im.width = w;
  im.height = h;
  for (int i = 0; i < w * h * 3; ++i) im.rgb.push_back(static_cast<std::uint8_t>(i % 251));
  return im;
}

TEST(ImageTransforms, Rotate180ReversesRowsAndColumns) {
  Image im = Gradient(3, 2);
  Image r = Rotate180(im);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      for (int c = 0; c < 3; ++c) EXPECT_EQ(r.rgb[(y * 3 + x) * 3 + c], im.rgb[((1 - y) * 3 + (2 - x)) * 3 + c]);
    }
  }
  EXPECT_EQ(Rotate180(r).rgb, im.rgb);
}

TEST(ImageTransforms, ResizeWithPadKeepsTheAspectAndCentresTheImage) {
  Image wide;
  wide.width = 4;
  wide.height = 2;
  wide.rgb.assign(4 * 2 * 3, 200);
  Image out = ResizeWithPad(wide, 8, 8);
  ASSERT_EQ(out.width, 8);
  ASSERT_EQ(out.height, 8);
  // 4x2 -> 8x4, two black rows above and two below.
  for (int y = 0; y < 8; ++y) {
    const bool inside = y >= 2 && y < 6;
    EXPECT_EQ(out.rgb[(y * 8 + 3) * 3], inside ? 200 : 0) << "row " << y;
  }
  // An odd remainder goes to the bottom: 5x2 -> 7 wide -> 7x2 (ratio 5/7), pad 5: 2 above, 3 below.
  Image odd;
  odd.width = 7;
  odd.height = 2;
  odd.rgb.assign(7 * 2 * 3, 90);
  Image padded = ResizeWithPad(odd, 7, 7);
  EXPECT_EQ(padded.rgb[(1 * 7) * 3], 0);
  EXPECT_EQ(padded.rgb[(2 * 7) * 3], 90);
  EXPECT_EQ(padded.rgb[(3 * 7) * 3], 90);
  EXPECT_EQ(padded.rgb[(4 * 7) * 3], 0);
}

TEST(Adapters, ImagesAreFlippedThenResizedForAPolicyTrainedOnLiberoFrames) {
  auto inner = Fixed({{0, 0, 0, 0, 0, 0, -1}});
  inner->info_.needs.cameras = {"agentview"};
  inner->info_.needs.image_width = inner->info_.needs.image_height = 256;
  inner->info_.needs.orientation = ImageOrientation::kRotated180;
  FixedPolicy* raw = inner.get();
  auto r = Adapt(std::move(inner), Parse({"resize_pad,flip180"}), Family(), Offer());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const PolicyInfo info = r.value()->info();
  EXPECT_EQ(info.needs.orientation, ImageOrientation::kUpright);
  EXPECT_EQ(info.needs.image_width, 0);
  Observation obs;
  obs.images["agentview"] = Gradient(128, 128);
  r.value()->act(obs);
  const Image& seen = raw->seen.images.at("agentview");
  ASSERT_EQ(seen.width, 256);
  // Doubling then turning: the policy's bottom-right 2x2 block is the top-left pixel.
  const Image expected = ResizeWithPad(Rotate180(obs.images["agentview"]), 256, 256);
  EXPECT_EQ(seen.rgb, expected.rgb);
  EXPECT_EQ(seen.rgb[(255 * 256 + 255) * 3], obs.images["agentview"].rgb[0]);
  auto record = nlohmann::json::parse(info.adapters_json);
  ASSERT_EQ(record.size(), 2u);
  EXPECT_EQ(record[0]["name"], "flip180");
  EXPECT_EQ(record[1]["name"], "resize_pad");
  EXPECT_EQ(record[1]["from"], "128x128");
  EXPECT_EQ(record[1]["to"], "256x256");
}

}  // namespace
}  // namespace gauntlet::policies
