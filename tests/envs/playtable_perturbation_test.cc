// Perturbations on the play table: each visual dimension changes the static
// camera's image and leaves the physics alone, a clean reset renders the
// default scene again, robot_init moves the start joints and the stored
// target with them, and layout is refused.
#include <gtest/gtest.h>

#include <cmath>

#include "envs/perturbations/perturbation_sampler.h"
#include "envs/playtable/playtable_env.h"
#include "envs/playtable/symbolic_state.h"
#include "harness/gl_context.h"

namespace gauntlet::envs::playtable {
namespace {

constexpr int kStart = 17;  // a symbolic start state

struct Rollout {
  std::string reset_hash, hash;  // after reset; after 5 steps holding still
  std::vector<double> robot;     // robot_obs after reset
  Image view, gripper;           // after the steps
};

Rollout Roll(PlaytableEnv& env, const std::optional<Perturbation>& p) {
  EpisodeSpec spec;
  spec.key = {"calvin", "chain0000", p ? VariantId(p->dimension, p->level, 0) : "default", kStart, 0};
  spec.perturbation = p;
  const Status s = env.Reset(spec);
  EXPECT_TRUE(s.ok()) << s.message();
  Rollout r;
  r.reset_hash = env.state_hash();
  r.robot = env.Observe({}).state.at("robot_obs");
  for (int i = 0; i < 5; ++i) env.Step({0, 0, 0, 0, 0, 0, 1});
  r.hash = env.state_hash();
  const Observation obs = env.Observe({{kStaticCamera, kGripperCamera}, false});
  r.view = obs.images.at(kStaticCamera);
  r.gripper = obs.images.at(kGripperCamera);
  return r;
}

class PlaytablePerturbation : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = GlContext::Create("auto", 64, 64);
    ASSERT_TRUE(gl.ok()) << gl.error().message;
    gl_ = std::move(gl).value();
    PlaytableOptions options;
    options.render.width = options.render.height = 64;
    auto env = PlaytableEnv::Create(options);
    ASSERT_TRUE(env.ok()) << env.error().message;
    env_ = std::move(env).value();
    base_ = Roll(*env_, std::nullopt);
  }
  std::unique_ptr<GlContext> gl_;
  std::unique_ptr<PlaytableEnv> env_;
  Rollout base_;
};

TEST_F(PlaytablePerturbation, VisualDimensionsChangeTheStaticImageNotThePhysicsAndACleanResetRestores) {
  for (const char* dim : {"camera", "light", "background", "noise"}) {
    for (int level : {1, 5}) {
      const Rollout r = Roll(*env_, SamplePerturbation(dim, level, 0));
      EXPECT_EQ(r.hash, base_.hash) << dim << " L" << level;
      EXPECT_NE(r.view.rgb, base_.view.rgb) << dim << " L" << level;
      // The wrist view is never the moved or corrupted camera.
      if (std::string(dim) == "camera" || std::string(dim) == "noise") {
        EXPECT_EQ(r.gripper.rgb, base_.gripper.rgb) << dim << " L" << level;
      }
      const Rollout clean = Roll(*env_, std::nullopt);
      EXPECT_EQ(clean.view.rgb, base_.view.rgb) << "after " << dim << " L" << level;
      EXPECT_EQ(clean.gripper.rgb, base_.gripper.rgb) << "after " << dim << " L" << level;
    }
  }
}

TEST_F(PlaytablePerturbation, TheSameVariantRendersTheSamePixelsTwice) {
  for (const char* dim : {"camera", "light", "background", "noise", "robot_init"}) {
    const Perturbation p = SamplePerturbation(dim, 3, 1);
    const Rollout a = Roll(*env_, p);
    const Rollout b = Roll(*env_, p);
    EXPECT_EQ(a.view.rgb, b.view.rgb) << dim;
    EXPECT_EQ(a.hash, b.hash) << dim;
  }
}

TEST_F(PlaytablePerturbation, RobotInitOffsetsTheStartJointsAndTheStoredTargetIsTheNewToolPose) {
  for (int level : {1, 3, 5}) {
    const Perturbation p = SamplePerturbation("robot_init", level, 0);
    EpisodeSpec spec;
    spec.key = {"calvin", "chain0000", VariantId("robot_init", level, 0), kStart, 0};
    spec.perturbation = p;
    ASSERT_TRUE(env_->Reset(spec).ok());
    const std::vector<double> robot = env_->Observe({}).state.at("robot_obs");
    // robot_obs: tcp position (0..2), euler (3..5), width (6), joints (7..13).
    double moved = 0;
    for (int i = 7; i < 14; ++i) moved += (robot[i] - base_.robot[i]) * (robot[i] - base_.robot[i]);
    EXPECT_NEAR(std::sqrt(moved), 0.1 * level, 0.1 * level * 0.3) << "clamping at a joint limit may shorten it";
    double tool_moved = 0;
    for (int i = 0; i < 3; ++i) {
      EXPECT_DOUBLE_EQ(env_->target_position()[i], robot[i]) << level;
      EXPECT_NEAR(env_->target_euler()[i], robot[3 + i], 1e-12) << level;
      tool_moved += std::abs(robot[i] - base_.robot[i]);
    }
    EXPECT_GT(tool_moved, 1e-3) << level;
    // Holding still keeps the arm where it started, not where it would
    // have started unperturbed.
    for (int i = 0; i < 10; ++i) env_->Step({0, 0, 0, 0, 0, 0, 1});
    const std::vector<double> held = env_->Observe({}).state.at("robot_obs");
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(held[i], robot[i], 0.005) << level;
  }
  // The next clean reset starts where the unperturbed episode did.
  EXPECT_EQ(Roll(*env_, std::nullopt).reset_hash, base_.reset_hash);
}

TEST_F(PlaytablePerturbation, LayoutIsRefusedAndLanguageLeavesTheWorldAlone) {
  EpisodeSpec spec;
  spec.key = {"calvin", "chain0000", "layout-L1-0", kStart, 0};
  spec.perturbation = SamplePerturbation("layout", 1, 0);
  const Status bad = env_->Reset(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("layout perturbations do not apply to the play table"), std::string::npos)
      << bad.message();
  const Rollout language = Roll(*env_, SamplePerturbation("language", 1, 0));
  EXPECT_EQ(language.hash, base_.hash);
  EXPECT_EQ(language.view.rgb, base_.view.rgb);
}

}  // namespace
}  // namespace gauntlet::envs::playtable
