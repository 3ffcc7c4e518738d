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
  EXPECT_EQ(unknown.error().message, "unknown family 'playtabel' (registered: playtable, tabletop)");
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"playtable", "tabletop"}));
}

TEST(FamilyRegistry, RefusesASecondFamilyOrExpertOfTheSameName) {
  FamilyRegistry registry;
  ASSERT_TRUE(registry.Register(std::make_unique<envs::tabletop::TabletopFamily>()).ok());
  Status again = registry.Register(std::make_unique<envs::tabletop::TabletopFamily>());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("registered twice"), std::string::npos);
  policies::RegisterExperts(registry);
  EXPECT_FALSE(registry.RegisterExpert("tabletop", [] { return std::unique_ptr<Policy>(); }).ok());
}

TEST(FamilyRegistry, MakesTheFamilysExpertAndRefusesAFamilyWithoutOne) {
  FamilyRegistry registry;
  envs::RegisterFamilies(registry);
  EXPECT_FALSE(registry.MakeExpert("tabletop").ok());  // no expert registered yet
  policies::RegisterExperts(registry);
  auto expert = registry.MakeExpert("tabletop");
  ASSERT_TRUE(expert.ok()) << expert.error().message;
  EXPECT_TRUE(expert.value()->info().needs.privileged);
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
  EXPECT_EQ(wrong.error().message, "embodiment 'aloha' is not one of the tabletop family's (panda)");
  // The family's interface is LIBERO's: 7-d end-effector deltas, both cameras.
  EXPECT_EQ(family.action_spec("panda").dim, 7);
  EXPECT_EQ(family.observation_spec("panda", 64, 64).cameras, (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(family.video_camera(), "agentview");
}

}  // namespace
}  // namespace gauntlet
