#include "harness/family_registry.h"

#include <gtest/gtest.h>

#include "envs/registered_families.h"
#include "envs/tabletop/tabletop_family.h"
#include "policies/registered_experts.h"

namespace gauntlet {
namespace {

TEST(FamilyRegistry, FindsRegisteredFamiliesAndListsThemForUnknownNames) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  envs::RegisterFamilies(registry);  // idempotent
  ASSERT_TRUE(registry.Find("tabletop").ok());
  EXPECT_EQ(registry.Find("tabletop").value()->name(), "tabletop");
  ASSERT_TRUE(registry.Find("playtable").ok());
  EXPECT_EQ(registry.Find("playtable").value()->protocol(), EpisodeProtocol::kChain);
  auto unknown = registry.Find("playtabel");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "unknown family 'playtabel' (registered: dualarm, playtable, tabletop)");
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"dualarm", "playtable", "tabletop"}));
  ASSERT_TRUE(registry.Find("dualarm").ok());
  EXPECT_EQ(registry.Find("dualarm").value()->default_embodiment(), "aloha");
}

TEST(FamilyRegistry, RefusesASecondFamilyOrExpertOfTheSameName) {
  FamilyRegistry registry;
  ASSERT_TRUE(registry.Register(std::make_unique<envs::tabletop::TabletopFamily>()).ok());
  Status again = registry.Register(std::make_unique<envs::tabletop::TabletopFamily>());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("registered twice"), std::string::npos);
  policies::RegisterExperts(registry);
  EXPECT_FALSE(registry
                   .RegisterExpert("tabletop",
                                   [](const std::vector<std::string>&) -> Result<std::unique_ptr<Policy>> {
                                     return Error{"unused"};
                                   })
                   .ok());
}

TEST(FamilyRegistry, MakesTheFamilysExpertAndRefusesAFamilyWithoutOne) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  EXPECT_FALSE(registry.MakeExpert("tabletop").ok());  // no expert registered yet
  policies::RegisterExperts(registry);
  auto expert = registry.MakeExpert("tabletop");
  ASSERT_TRUE(expert.ok()) << expert.error().message;
  EXPECT_TRUE(expert.value()->info().needs.privileged);
  // Settings reach the expert, which refuses what it does not know.
  auto typo = registry.MakeExpert("playtable", {"acton=eef_abs"});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message, "--policy-opt 'acton': not a setting of oracle policies (known: action)");
  auto absolute = registry.MakeExpert("playtable", {"action=eef_abs"});
  ASSERT_TRUE(absolute.ok()) << absolute.error().message;
  EXPECT_EQ(absolute.value()->info().action_spec.kind, ActionKind::kEefAbs);
  EXPECT_EQ(registry.MakeExpert("playtable").value()->info().action_spec.kind, ActionKind::kEefDelta);
}

TEST(FamilyRegistry, AFamilyNamesTheActionInterfacesItTakes) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  const Family& playtable = *registry.Find("playtable").value();
  const std::vector<ActionSpec> specs = playtable.action_specs("");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].kind, ActionKind::kEefDelta);  // CALVIN's default first
  EXPECT_EQ(playtable.action_spec("").kind, ActionKind::kEefDelta);
  EXPECT_EQ(playtable.action_spec("", ActionKind::kEefAbs).value().rotation, RotationFormat::kEulerXyz);
  auto joints = registry.Find("tabletop").value()->action_spec("", ActionKind::kJointPos);
  ASSERT_FALSE(joints.ok());
  EXPECT_EQ(joints.error().message,
            "the tabletop family takes no joint_pos actions (it takes eef_delta[7] rotation=axis_angle "
            "gripper=-1open/+1close)");
}

TEST(FamilyRegistry, ARunOffersTheSuitesPerCameraSizesUnlessOneSizeIsAskedFor) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  const Family& playtable = *registry.Find("playtable").value();
  SuiteSpec suite;
  suite.path = "/x/calvin.yaml";
  suite.image_width = suite.image_height = 200;
  suite.camera_sizes["gripper"] = {84, 84};
  const ObservationSpec offer = playtable.RunOffer("", suite, 0).value();
  EXPECT_EQ(offer.SizeOf("static").width, 200);
  EXPECT_EQ(offer.SizeOf("gripper").width, 84);
  EXPECT_EQ(offer.SizeOf("gripper").height, 84);
  const ObservationSpec one = playtable.RunOffer("", suite, 224).value();
  EXPECT_EQ(one.SizeOf("static").width, 224);
  EXPECT_EQ(one.SizeOf("gripper").width, 224);
  suite.camera_sizes["wrist"] = {84, 84};
  auto wrong = playtable.RunOffer("", suite, 0);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message,
            "/x/calvin.yaml: observation.camera_sizes names camera 'wrist', but the playtable family has static, "
            "gripper");
}

TEST(FamilyRegistry, TaskFilesGoToTheFamilyThatReadsTheirKind) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  auto bddl = registry.FamilyForTaskFile("/x/my_task.bddl");
  ASSERT_TRUE(bddl.ok());
  EXPECT_EQ(bddl.value()->name(), "tabletop");
  auto other = registry.FamilyForTaskFile("/x/my_task.urdf");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find(".bddl (tabletop)"), std::string::npos) << other.error().message;
}

TEST(FamilyRegistry, EmbodimentsAreCheckedAgainstTheFamilys) {
  envs::tabletop::TabletopFamily family;
  EXPECT_EQ(family.ResolveEmbodiment("").value(), "panda");
  EXPECT_EQ(family.ResolveEmbodiment("panda").value(), "panda");
  auto wrong = family.ResolveEmbodiment("aloha");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "embodiment 'aloha' is not one of the tabletop family's (known: panda)");
  // The family's interface is LIBERO's: 7-d end-effector deltas, both cameras.
  EXPECT_EQ(family.action_spec("panda").dim, 7);
  EXPECT_EQ(family.observation_spec("panda", 64, 64).cameras, (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(family.video_camera(), "agentview");
}

}  // namespace
}  // namespace gauntlet
