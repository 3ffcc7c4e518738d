// LIBERO's goal predicates, checked on real states of the tabletop world.
#include "envs/tabletop/predicates.h"

#include <gtest/gtest.h>

#include "tests/envs/env_fixture.h"

namespace gauntlet::envs::tabletop {
namespace {

class PredicatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = gauntlet::testing::SpatialEnv(0);
    ASSERT_TRUE(env_->Reset(gauntlet::testing::SpatialEpisode(0, 0)).ok());
    m_ = env_->model();
    d_ = env_->data();
  }
  bool Holds(const std::string& predicate, std::vector<std::string> args) {
    BddlAtom atom{predicate, std::move(args), 1};
    auto eval = GoalEvaluator::Compile(m_, env_->scene(), {atom});
    EXPECT_TRUE(eval.ok()) << (eval.ok() ? "" : eval.error().message);
    mj_forward(m_, d_);
    return eval.ok() && eval.value().AllHold(m_, d_);
  }
  double* Qpos(const std::string& joint) {
    return d_->qpos + m_->jnt_qposadr[mj_name2id(m_, mjOBJ_JOINT, joint.c_str())];
  }
  // Puts the bowl's origin at (x, y, z) of the world, upright, at rest.
  void PlaceBowl(double x, double y, double z) {
    double* q = Qpos("akita_black_bowl_1_joint");
    q[0] = x, q[1] = y, q[2] = z, q[3] = 1, q[4] = q[5] = q[6] = 0;
  }
  std::array<double, 3> BodyPos(const std::string& body) {
    mj_forward(m_, d_);
    int b = mj_name2id(m_, mjOBJ_BODY, body.c_str());
    return {d_->xpos[3 * b], d_->xpos[3 * b + 1], d_->xpos[3 * b + 2]};
  }
  std::unique_ptr<TabletopEnv> env_;
  const mjModel* m_ = nullptr;
  mjData* d_ = nullptr;
};

TEST_F(PredicatesTest, GoalDoesNotHoldInTheInitialState) { EXPECT_FALSE(env_->goal_holds()); }

TEST_F(PredicatesTest, OnObjectNeedsContactAlignmentAndOrder) {
  const auto plate = BodyPos("plate_1");
  const double top = plate[2] + 0.005 - 0.0005;  // on the plate's disc inside its rim, touching it
  PlaceBowl(plate[0] + 0.01, plate[1], top);
  EXPECT_TRUE(Holds("on", {"akita_black_bowl_1", "plate_1"}));
  PlaceBowl(plate[0] + 0.035, plate[1], top);  // beyond LIBERO's 3 cm
  EXPECT_FALSE(Holds("on", {"akita_black_bowl_1", "plate_1"}));
  PlaceBowl(plate[0], plate[1], top + 0.05);  // aligned but not touching
  EXPECT_FALSE(Holds("on", {"akita_black_bowl_1", "plate_1"}));
}

TEST_F(PredicatesTest, OnSiteUsesTheRegionBoxAndItsOwner) {
  mj_forward(m_, d_);
  int site = mj_name2id(m_, mjOBJ_SITE, "flat_stove_1_cook_region");
  ASSERT_GE(site, 0);
  const double* c = d_->site_xpos + 3 * site;
  const double* h = m_->site_size + 3 * site;
  PlaceBowl(c[0], c[1], c[2] + h[2] - 0.0005);  // resting on the burner (touching)
  EXPECT_TRUE(Holds("on", {"akita_black_bowl_1", "flat_stove_1_cook_region"}));
  PlaceBowl(c[0] + h[0] + 0.01, c[1], c[2] + h[2]);  // outside the box footprint
  EXPECT_FALSE(Holds("on", {"akita_black_bowl_1", "flat_stove_1_cook_region"}));
  PlaceBowl(c[0], c[1], c[2] + h[2] + 0.12);  // more than 10 cm above
  EXPECT_FALSE(Holds("on", {"akita_black_bowl_1", "flat_stove_1_cook_region"}));
}

TEST_F(PredicatesTest, InIsAPointInBoxTestWithLoweredFloor) {
  *Qpos("wooden_cabinet_1_top_drawer_joint") = -0.17;
  mj_forward(m_, d_);
  int site = mj_name2id(m_, mjOBJ_SITE, "wooden_cabinet_1_top_region");
  const double* c = d_->site_xpos + 3 * site;
  const double* h = m_->site_size + 3 * site;
  PlaceBowl(c[0], c[1], c[2] - h[2] - 0.005);  // 5 mm under the floor: within the 1 cm slack
  EXPECT_TRUE(Holds("in", {"akita_black_bowl_1", "wooden_cabinet_1_top_region"}));
  PlaceBowl(c[0], c[1], c[2] - h[2] - 0.02);
  EXPECT_FALSE(Holds("in", {"akita_black_bowl_1", "wooden_cabinet_1_top_region"}));
}

TEST_F(PredicatesTest, DrawerOpenAndCloseUseLiberoThresholds) {
  double* q = Qpos("wooden_cabinet_1_top_drawer_joint");
  *q = -0.15;
  EXPECT_TRUE(Holds("open", {"wooden_cabinet_1_top_region"}));
  EXPECT_FALSE(Holds("close", {"wooden_cabinet_1_top_region"}));
  *q = -0.13;  // neither open (< -0.14) nor closed (> 0)
  EXPECT_FALSE(Holds("open", {"wooden_cabinet_1_top_region"}));
  EXPECT_FALSE(Holds("close", {"wooden_cabinet_1_top_region"}));
  *q = 0.004;
  EXPECT_TRUE(Holds("close", {"wooden_cabinet_1_top_region"}));
  // The instance form: Close needs all drawers closed, Open any.
  *Qpos("wooden_cabinet_1_bottom_drawer_joint") = -0.16;
  EXPECT_TRUE(Holds("open", {"wooden_cabinet_1"}));
  EXPECT_FALSE(Holds("close", {"wooden_cabinet_1"}));
}

TEST_F(PredicatesTest, StoveTurnOnAndTurnOff) {
  double* knob = Qpos("flat_stove_1_knob_joint");
  *knob = 0.5;
  EXPECT_TRUE(Holds("turnon", {"flat_stove_1"}));
  EXPECT_FALSE(Holds("turnoff", {"flat_stove_1"}));
  *knob = -0.01;
  EXPECT_FALSE(Holds("turnon", {"flat_stove_1"}));
  EXPECT_TRUE(Holds("turnoff", {"flat_stove_1"}));
}

// What an expert is told about each joint: its handle (out in front of the
// part it moves), the region it carries, and joint values that make each
// predicate hold.
TEST_F(PredicatesTest, ArticulationsTellAnExpertHowToWorkEveryJoint) {
  mj_forward(m_, d_);
  const PrivilegedState ps = env_->privileged_state();
  const auto& cabinet = ps.objects.at("wooden_cabinet_1");
  for (const std::string drawer : {"top", "middle", "bottom"}) {
    SCOPED_TRACE(drawer);
    const std::string joint = "wooden_cabinet_1_" + drawer + "_drawer_joint";
    ASSERT_TRUE(ps.articulations.count(joint));
    const auto& a = ps.articulations.at(joint);
    EXPECT_EQ(a.owner, "wooden_cabinet_1");
    EXPECT_FALSE(a.hinge);
    EXPECT_EQ(ps.regions.at("wooden_cabinet_1_" + drawer + "_region").joint, joint);
    ASSERT_TRUE(a.handle.has_value());
    // The handle stands beyond the cabinet's front, along the way the drawer
    // opens (q falls as it opens: the axis points into the cabinet).
    const double out = -((a.handle->pos[0] - cabinet.pose.pos[0]) * a.axis[0] +
                         (a.handle->pos[1] - cabinet.pose.pos[1]) * a.axis[1]);
    EXPECT_GT(out, cabinet.half_extent[0]);
    const std::string region = "wooden_cabinet_1_" + drawer + "_region";
    *Qpos(joint) = a.targets.at("open");
    EXPECT_TRUE(Holds("open", {region}));
    *Qpos(joint) = a.targets.at("close");
    EXPECT_TRUE(Holds("close", {region}));
  }
  const auto& knob = ps.articulations.at("flat_stove_1_knob_joint");
  EXPECT_TRUE(knob.hinge);
  EXPECT_NEAR(std::abs(knob.axis[2]), 1.0, 1e-9);  // a dial on the stove's top: turned by the wrist
  ASSERT_TRUE(knob.handle.has_value());
  *Qpos("flat_stove_1_knob_joint") = knob.targets.at("turnon");
  EXPECT_TRUE(Holds("turnon", {"flat_stove_1"}));
  *Qpos("flat_stove_1_knob_joint") = knob.targets.at("turnoff");
  EXPECT_TRUE(Holds("turnoff", {"flat_stove_1"}));
}

TEST_F(PredicatesTest, UpMeansAboveOneMetre) {
  PlaceBowl(0, 0, 1.01);
  EXPECT_TRUE(Holds("up", {"akita_black_bowl_1"}));
  PlaceBowl(0, 0, 0.99);
  EXPECT_FALSE(Holds("up", {"akita_black_bowl_1"}));
}

TEST_F(PredicatesTest, UnknownPredicateOrArgumentIsAnErrorWithLine) {
  auto bad = GoalEvaluator::Compile(m_, env_->scene(), {BddlAtom{"levitate", {"plate_1"}, 42}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(":42: unknown predicate 'levitate'"), std::string::npos);
  auto missing = GoalEvaluator::Compile(m_, env_->scene(), {BddlAtom{"on", {"mug_9", "plate_1"}, 7}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(":7:"), std::string::npos);
  auto no_joint = GoalEvaluator::Compile(m_, env_->scene(), {BddlAtom{"open", {"plate_1"}, 3}});
  ASSERT_FALSE(no_joint.ok());
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
