// The scene builder composes compilable worlds from task files, ours and
// LIBERO's originals alike, and explains what it cannot build.
#include "envs/tabletop/scene_builder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "envs/tabletop/panda_robot.h"
#include "harness/mujoco_handles.h"
#include "tests/test_support.h"

namespace gauntlet::envs::tabletop {
namespace {

namespace fs = std::filesystem;

void ExpectBuilds(const std::string& path) {
  auto task = LoadBddlFile(path);
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  auto model = CompileMjcf(scene.value().mjcf, path);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const mjModel* m = model.value().get();
  for (const auto& inst : task.value().objects) {
    EXPECT_GE(mj_name2id(m, mjOBJ_BODY, inst.name.c_str()), 0) << inst.name;
  }
  for (const auto& inst : task.value().fixtures) {
    EXPECT_GE(mj_name2id(m, mjOBJ_BODY, inst.name.c_str()), 0) << inst.name;
  }
  for (const auto& region : task.value().regions) {
    EXPECT_GE(mj_name2id(m, mjOBJ_SITE, region.full_name().c_str()), 0) << region.full_name();
  }
  EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, kAgentviewCamera), 0);
  EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, kWristCamera), 0);
  EXPECT_EQ(m->opt.timestep, 0.002);
}

TEST(SceneBuilder, BuildsEveryOwnSpatialTask) {
  int built = 0;
  for (const auto& entry : fs::directory_iterator(gauntlet::testing::SourceDir() + "/suites/libero_spatial")) {
    if (entry.path().extension() != ".bddl") continue;
    ExpectBuilds(entry.path().string());
    ++built;
  }
  EXPECT_EQ(built, 10);
}

TEST(SceneBuilder, BuildsLiberosOriginalSpatialTaskFiles) {
  const fs::path dir = fs::path(GAUNTLET_SHARED_REFERENCE_DIR) / "libero_bddl" / "libero_spatial";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "reference task files not present: " << dir;
  int built = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ExpectBuilds(entry.path().string());
    ++built;
  }
  EXPECT_EQ(built, 10);
}

TEST(SceneBuilder, UnknownCategoryNamesFileLineAndKnownOnes) {
  auto task = ParseBddl(R"((define (problem LIBERO_Tabletop_Manipulation)
  (:domain robosuite)
  (:language put the teapot on the plate)
  (:regions (r (:target main_table) (:ranges ((0 0 0.1 0.1)))))
  (:fixtures main_table - table)
  (:objects
    teapot_1 - teapot)
  (:init (On teapot_1 main_table_r))
  (:goal (And (On teapot_1 main_table_r)))
))",
                        "mine.bddl");
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_FALSE(scene.ok());
  EXPECT_NE(scene.error().message.find("mine.bddl:7: unknown object category 'teapot'"), std::string::npos)
      << scene.error().message;
  EXPECT_NE(scene.error().message.find("akita_black_bowl"), std::string::npos);
}

TEST(SceneBuilder, UnsupportedProblemClassIsNamed) {
  auto task = ParseBddl(R"((define (problem LIBERO_Floor_Manipulation)
  (:domain robosuite)
  (:language x)
  (:fixtures floor - floor)
  (:objects plate_1 - plate)
  (:init (On plate_1 floor))
  (:goal (And (On plate_1 floor)))
))",
                        "floor.bddl");
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_FALSE(scene.ok());
  EXPECT_NE(scene.error().message.find("LIBERO_Floor_Manipulation"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
