// Each perturbation dimension changes what it should and nothing else, and a
// variant id is the same shift every time.
#include <gtest/gtest.h>

#include "envs/perturbations/perturbation_sampler.h"
#include "harness/gl_context.h"
#include "tests/envs/env_fixture.h"

namespace gauntlet {
namespace {

struct Rollout {
  std::string state_hash;
  Image agentview, wrist;
  std::vector<double> qpos;  // after reset, before any step
};

// Reset with `p` (if any), record qpos, run 10 no-op steps, render both cameras.
Rollout Roll(envs::tabletop::TabletopEnv& env, const std::optional<Perturbation>& p, int init = 0) {
  EpisodeSpec spec = testing::SpatialEpisode(0, init, 20);
  if (p) spec.key.variant = VariantId(p->dimension, p->level, 0);
  spec.perturbation = p;
  Status s = env.Reset(spec);
  EXPECT_TRUE(s.ok()) << s.message();
  Rollout r;
  r.qpos.assign(env.data()->qpos, env.data()->qpos + env.model()->nq);
  const Action still = HoldStillOpen(env.action_spec());
  for (int i = 0; i < 10; ++i) env.Step(still);
  Observation obs = env.Observe({{"agentview", "wrist"}, false});
  r.state_hash = env.state_hash();
  r.agentview = obs.images.at("agentview");
  r.wrist = obs.images.at("wrist");
  return r;
}

class PerturbationEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = GlContext::Create("auto", 64, 64);
    ASSERT_TRUE(gl.ok()) << gl.error().message;
    gl_ = std::move(gl).value();
    env_ = testing::SpatialEnv(0);
    base_ = Roll(*env_, std::nullopt);
  }
  std::unique_ptr<GlContext> gl_;
  std::unique_ptr<envs::tabletop::TabletopEnv> env_;
  Rollout base_;
};

TEST_F(PerturbationEnv, CameraAndNoiseChangeOnlyTheThirdPersonImage) {
  for (const char* dim : {"camera", "noise"}) {
    for (int level : {1, 5}) {
      const Rollout r = Roll(*env_, envs::SamplePerturbation(dim, level, 0));
      EXPECT_EQ(r.state_hash, base_.state_hash) << dim << " L" << level;
      EXPECT_EQ(r.wrist.rgb, base_.wrist.rgb) << dim << " L" << level;
      EXPECT_NE(r.agentview.rgb, base_.agentview.rgb) << dim << " L" << level;
    }
  }
}

TEST_F(PerturbationEnv, LightAndBackgroundChangePixelsButNotPhysics) {
  for (const char* dim : {"light", "background"}) {
    const Rollout r = Roll(*env_, envs::SamplePerturbation(dim, 4, 0));
    EXPECT_EQ(r.state_hash, base_.state_hash) << dim;
    EXPECT_NE(r.agentview.rgb, base_.agentview.rgb) << dim;
  }
  // Lights reach the wrist view too.
  EXPECT_NE(Roll(*env_, envs::SamplePerturbation("light", 5, 0)).wrist.rgb, base_.wrist.rgb);
}

TEST_F(PerturbationEnv, RobotInitMovesOnlyTheArmJointsByTheLevelsMagnitude) {
  for (int level : {1, 3, 5}) {
    const Perturbation p = envs::SamplePerturbation("robot_init", level, 0);
    const Rollout r = Roll(*env_, p);
    double moved = 0;
    int changed = 0;
    for (size_t i = 0; i < r.qpos.size(); ++i) {
      if (r.qpos[i] != base_.qpos[i]) {
        ++changed;
        moved += (r.qpos[i] - base_.qpos[i]) * (r.qpos[i] - base_.qpos[i]);
      }
    }
    EXPECT_LE(changed, 7) << "only arm joints move";
    EXPECT_GE(changed, 6);
    EXPECT_NEAR(std::sqrt(moved), 0.1 * level, 0.1 * level * 0.3) << "clamping at a joint limit may shorten it";
    EXPECT_NE(r.state_hash, base_.state_hash);
  }
}

TEST_F(PerturbationEnv, TheSameVariantRendersTheSamePixelsTwiceAndTheSceneIsRestoredAfter) {
  for (const char* dim : {"camera", "noise", "light", "background", "robot_init"}) {
    const Perturbation p = envs::SamplePerturbation(dim, 3, 1);
    const Rollout a = Roll(*env_, p);
    const Rollout b = Roll(*env_, p);
    EXPECT_EQ(a.agentview.rgb, b.agentview.rgb) << dim;
    EXPECT_EQ(a.state_hash, b.state_hash) << dim;
  }
  const Rollout again = Roll(*env_, std::nullopt);
  EXPECT_EQ(again.agentview.rgb, base_.agentview.rgb);
  EXPECT_EQ(again.state_hash, base_.state_hash);
}

TEST(PerturbationSampler, AVariantsParametersDependOnItsIdAlone) {
  for (const auto& dim : PerturbationDimensions()) {
    for (int level = 1; level <= MaxLevel(dim); ++level) {
      const Perturbation a = envs::SamplePerturbation(dim, level, 2);
      const Perturbation b = envs::SamplePerturbation(dim, level, 2);
      EXPECT_EQ(a.params, b.params) << dim;
      EXPECT_EQ(a.level, level);
    }
  }
  EXPECT_NE(envs::SamplePerturbation("camera", 3, 0).params, envs::SamplePerturbation("camera", 3, 1).params);
}

TEST(PerturbationSampler, MagnitudesGrowWithTheLevel) {
  for (int level = 1; level <= 5; ++level) {
    for (int k = 0; k < 20; ++k) {
      const auto cam = envs::SamplePerturbation("camera", level, k).params;
      const double az = std::abs(cam["azimuth_deg"].get<double>());
      if (az != 0) {
        EXPECT_GT(az, 15.0 * (level - 1));
        EXPECT_LE(az, 15.0 * level);
      }
      const double scale = cam["distance_scale"];
      EXPECT_LE(scale, 1.0 + 0.2 * level + 1e-9);
      const auto robot = envs::SamplePerturbation("robot_init", level, k).params;
      EXPECT_DOUBLE_EQ(robot["magnitude_rad"].get<double>(), 0.1 * level);
      double norm = 0;
      for (double v : robot["direction"].get<std::vector<double>>()) norm += v * v;
      EXPECT_NEAR(norm, 1.0, 1e-12);
      const auto bg = envs::SamplePerturbation("background", level, k).params;
      EXPECT_EQ(bg["texture"].get<int>() / 4, level - 1);
    }
  }
  EXPECT_EQ(envs::SamplePerturbation("noise", 7, 3).params["severity"], 7);
  EXPECT_EQ(envs::SamplePerturbation("language", 4, 0).params["kind"], "distractor");
}

}  // namespace
}  // namespace gauntlet
