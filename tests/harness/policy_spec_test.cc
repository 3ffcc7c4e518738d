// The check a runner makes before an episode's first step: a policy's
// declared spec against what the family offers, with messages that name both
// sides and the adapter that would convert.
#include "harness/policy_spec.h"

#include <gtest/gtest.h>

#include "envs/tabletop/tabletop_env.h"

namespace gauntlet {
namespace {

PolicyInfo Fitting() {
  PolicyInfo info;
  info.name = "m";
  info.kind = "torchscript";
  info.action_spec = envs::tabletop::TabletopActionSpec();
  info.needs.cameras = {"agentview", "wrist"};
  info.needs.state_keys = {"eef_pos", "eef_axis_angle", "gripper_qpos"};
  info.needs.image_width = info.needs.image_height = 128;
  return info;
}

Status Check(const PolicyInfo& info) {
  return CheckPolicyFits(envs::tabletop::TabletopActionSpec(), envs::tabletop::TabletopObservationSpec(128, 128), info);
}

void ExpectError(const Status& s, std::initializer_list<const char*> parts) {
  ASSERT_FALSE(s.ok());
  for (const char* p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message() << "\n lacks: " << p;
}

TEST(PolicySpec, AFittingPolicyPasses) { EXPECT_TRUE(Check(Fitting()).ok()); }

TEST(PolicySpec, AGripperSignMismatchNamesBothSidesAndTheAdapter) {
  PolicyInfo info = Fitting();
  info.action_spec.gripper = GripperConvention::kPosOpenNegClose;
  ExpectError(Check(info), {"policy 'm' (torchscript)", "task expects eef_delta[7] rotation=axis_angle gripper=-1open/+1close",
                            "policy emits eef_delta[7] rotation=axis_angle gripper=+1open/-1close", "--adapt gripper"});
}

TEST(PolicySpec, AQuaternionPolicyIsToldToAddTheRotationAdapter) {
  PolicyInfo info = Fitting();
  info.action_spec.rotation = RotationFormat::kQuatXyzw;
  info.action_spec.dim = 8;
  ExpectError(Check(info), {"eef_delta[8] rotation=quat_xyzw", "--adapt rotation"});
}

TEST(PolicySpec, NormalisedActionsNeedDenorm) {
  PolicyInfo info = Fitting();
  info.action_spec.normalized = true;
  ExpectError(Check(info), {"normalized", "--adapt denorm=STATS.json"});
}

TEST(PolicySpec, AnAbsolutePolicyOnADeltaTaskHasNoAdapter) {
  PolicyInfo info = Fitting();
  info.action_spec.kind = ActionKind::kEefAbs;
  ExpectError(Check(info), {"policy emits eef_abs[7]", "no adapter converts"});
}

TEST(PolicySpec, CamerasAndStateKeysMustBeOffered) {
  PolicyInfo info = Fitting();
  info.needs.cameras = {"agentview", "cam_high"};
  ExpectError(Check(info), {"reads camera 'cam_high'", "offers agentview, wrist"});
  info = Fitting();
  info.needs.state_keys = {"eef_pos", "robot0_eef_quat"};
  ExpectError(Check(info), {"reads state 'robot0_eef_quat'", "eef_quat[4]"});
}

TEST(PolicySpec, ImageSizeAndOrientationMismatchesSuggestTheirFixes) {
  PolicyInfo info = Fitting();
  info.needs.image_width = info.needs.image_height = 224;
  ExpectError(Check(info), {"expects 224x224 images but the run renders camera 'agentview' at 128x128", "--image-size",
                            "--adapt resize_pad"});
  info = Fitting();
  info.needs.orientation = ImageOrientation::kRotated180;
  ExpectError(Check(info), {"expects images rotated180", "--adapt flip180"});
}

TEST(PolicySpec, EachCameraIsCheckedAtItsOwnSize) {
  ObservationSpec offer = envs::tabletop::TabletopObservationSpec(128, 128);
  offer.camera_sizes["wrist"] = {84, 84};
  const Status s = CheckPolicyFits(envs::tabletop::TabletopActionSpec(), offer, Fitting());
  ExpectError(s, {"expects 128x128 images but the run renders camera 'wrist' at 84x84"});
  PolicyInfo agentview_only = Fitting();
  agentview_only.needs.cameras = {"agentview"};
  EXPECT_TRUE(CheckPolicyFits(envs::tabletop::TabletopActionSpec(), offer, agentview_only).ok());
}

TEST(PolicySpec, AStateOnlyPolicyIgnoresImageSettings) {
  PolicyInfo info = Fitting();
  info.needs.cameras.clear();
  info.needs.image_width = info.needs.image_height = 224;
  info.needs.orientation = ImageOrientation::kRotated180;
  EXPECT_TRUE(Check(info).ok());
}

TEST(PolicySpec, TheDeclaredSpecIsStoredInFull) {
  PolicyInfo info = Fitting();
  info.action_spec.chunk_length = 10;
  const nlohmann::json j = DeclaredSpecJson(info);
  EXPECT_EQ(j["action"]["kind"], "eef_delta");
  EXPECT_EQ(j["action"]["gripper"], "-1open/+1close");
  EXPECT_EQ(j["action"]["rotation"], "axis_angle");
  EXPECT_EQ(j["action"]["chunk_length"], 10);
  EXPECT_EQ(j["needs"]["cameras"], nlohmann::json({"agentview", "wrist"}));
  EXPECT_EQ(j["needs"]["orientation"], "upright");
  EXPECT_EQ(j["needs"]["image_width"], 128);
  EXPECT_EQ(j["needs"]["task_id"], false);
}

}  // namespace
}  // namespace gauntlet
