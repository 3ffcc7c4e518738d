// The stored initial states are exactly what the generator produces, so every
// run on every machine (of the same CPU family) starts from the same states.
#include "envs/tabletop/init_states.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "harness/run_metadata.h"
#include "tests/envs/env_fixture.h"

namespace gauntlet::envs::tabletop {
namespace {

// (suite, task index) of every task of every tabletop suite.
using SuiteTask = std::tuple<std::string, int>;

class InitStatesTest : public ::testing::TestWithParam<SuiteTask> {
 protected:
  SuiteSpec suite() const { return gauntlet::testing::TabletopSuite(std::get<0>(GetParam())); }
  int task() const { return std::get<1>(GetParam()); }
};

TEST_P(InitStatesTest, RegeneratingGivesTheStoredStates) {
  const SuiteSpec suite = this->suite();
  TaskSpec task = suite.tasks.at(this->task());
  const std::string stored = task.init_states;
  task.init_states = gauntlet::testing::TempDir("init") + "/states.json";
  ASSERT_TRUE(WriteInitStates(suite, task).ok());
  EXPECT_EQ(HashFiles({stored}), HashFiles({task.init_states}))
      << task.name << ": regenerated initial states differ from " << stored
      << " (if the world changed on purpose, run `gauntlet init-states " << suite.name << "`)";
}

// Every stored state is at rest: in the protocol's settling steps and a few
// more, nothing moves by more than 5 mm and the goal does not hold yet. This
// also guards against contacts that launch resting objects.
TEST_P(InitStatesTest, EveryStateIsAtRest) {
  const SuiteSpec suite = this->suite();
  auto env = gauntlet::testing::TabletopEnvOf(suite, task());
  const std::string& name = suite.tasks[task()].name;
  ASSERT_EQ(env->num_init_states(), 50);
  for (int i = 0; i < env->num_init_states(); ++i) {
    ASSERT_TRUE(env->Reset(gauntlet::testing::TabletopEpisode(suite, task(), i)).ok());
    const auto before = env->privileged_state();
    for (int step = 0; step < 20; ++step) env->Step({0, 0, 0, 0, 0, 0, -1});
    const auto after = env->privileged_state();
    for (const auto& [object, body] : before.objects) {
      const auto& p = after.objects.at(object).pose.pos;
      EXPECT_LT(std::hypot(p[0] - body.pose.pos[0], p[1] - body.pose.pos[1], p[2] - body.pose.pos[2]), 0.005)
          << name << " state " << i << ": " << object << " moved";
    }
    EXPECT_FALSE(env->goal_holds()) << name << " state " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Spatial, InitStatesTest,
                         ::testing::Combine(::testing::Values("libero_spatial"), ::testing::Range(0, 10)));
INSTANTIATE_TEST_SUITE_P(Object, InitStatesTest,
                         ::testing::Combine(::testing::Values("libero_object"), ::testing::Range(0, 10)));
INSTANTIATE_TEST_SUITE_P(Goal, InitStatesTest,
                         ::testing::Combine(::testing::Values("libero_goal"), ::testing::Range(0, 10)));
INSTANTIATE_TEST_SUITE_P(Long, InitStatesTest,
                         ::testing::Combine(::testing::Values("libero_10"), ::testing::Range(0, 10)));

// (Open region) and (Turnon fixture) in :init start the joints there; every
// other joint of an articulated fixture starts closed / off.
TEST(InitStates, OpenAndTurnonInInitSetTheJoints) {
  const std::string path = gauntlet::testing::SourceDir() + "/suites/libero_goal/turn_on_the_stove.bddl";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string bddl = text.str();
  const std::string init = "(:init";
  const size_t at = bddl.find(init);
  ASSERT_NE(at, std::string::npos);
  bddl.insert(at + init.size(), " (Open wooden_cabinet_1_middle_region) (Turnon flat_stove_1)");
  auto task = ParseBddl(bddl, "opened.bddl");
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  auto model = CompileMjcf(scene.value().mjcf, "opened.bddl");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const mjModel* m = model.value().get();
  auto states = GenerateInitStates(scene.value(), m, 1, 7);
  ASSERT_TRUE(states.ok()) << states.error().message;
  auto q = [&](const char* joint) {
    return states.value().states[0].qpos[m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, joint)]];
  };
  const Articulation& cabinet = *FindObjectModel("wooden_cabinet")->articulation;
  const Articulation& stove = *FindObjectModel("flat_stove")->articulation;
  EXPECT_LT(q("wooden_cabinet_1_middle_drawer_joint"), *cabinet.open_below);
  EXPECT_GT(q("wooden_cabinet_1_top_drawer_joint"), *cabinet.closed_above);
  EXPECT_GT(q("wooden_cabinet_1_bottom_drawer_joint"), *cabinet.closed_above);
  EXPECT_GE(q("flat_stove_1_knob_joint"), *stove.on_at_least);
}

TEST(InitStates, AStateFileForAnotherModelIsRefused) {
  auto env = gauntlet::testing::SpatialEnv(0);
  const std::string path = gauntlet::testing::TempDir("init") + "/other.json";
  std::ofstream(path) << R"({"format":"gauntlet-init-states","version":1,"task":"x",
    "generator":{"seed":1,"settle_substeps":1},"joints":["a","b"],"states":[]})";
  auto loaded = LoadInitStates(path, env->model());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(path), std::string::npos);
  EXPECT_NE(loaded.error().message.find("gauntlet init-states"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
