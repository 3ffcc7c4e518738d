// The scene builder composes compilable worlds from task files, ours and
// LIBERO's originals alike, and explains what it cannot build.
#include "envs/tabletop/scene_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "envs/tabletop/panda_robot.h"
#include "harness/mujoco_handles.h"
#include "tests/envs/env_fixture.h"

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
    // The floor is the arena's ground plane, not a body.
    if (inst.name == scene.value().arena->surface && !scene.value().arena->table) continue;
    EXPECT_GE(mj_name2id(m, mjOBJ_BODY, inst.name.c_str()), 0) << inst.name;
  }
  for (const auto& region : task.value().regions) {
    EXPECT_GE(mj_name2id(m, mjOBJ_SITE, region.full_name().c_str()), 0) << region.full_name();
  }
  EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, kAgentviewCamera), 0);
  EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, kWristCamera), 0);
  EXPECT_EQ(m->opt.timestep, 0.002);
}

// Every task file of every tabletop suite, ours and LIBERO's originals.
class SceneBuilderSuite : public ::testing::TestWithParam<const char*> {};

TEST_P(SceneBuilderSuite, BuildsEveryOwnTask) {
  int built = 0;
  for (const auto& entry : fs::directory_iterator(gauntlet::testing::SourceDir() + "/suites/" + GetParam())) {
    if (entry.path().extension() != ".bddl") continue;
    ExpectBuilds(entry.path().string());
    ++built;
  }
  EXPECT_EQ(built, 10);
}

TEST_P(SceneBuilderSuite, BuildsLiberosOriginalTaskFiles) {
  const fs::path dir = fs::path(GAUNTLET_SHARED_REFERENCE_DIR) / "libero_bddl" / GetParam();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "reference task files not present: " << dir;
  int built = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ExpectBuilds(entry.path().string());
    ++built;
  }
  EXPECT_EQ(built, 10);
}

INSTANTIATE_TEST_SUITE_P(Tabletop, SceneBuilderSuite, ::testing::ValuesIn(gauntlet::testing::kTabletopSuites),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// LIBERO_Floor_Manipulation: no table, the arm and the regions on the floor,
// agentview at LIBERO's floor pose.
TEST(SceneBuilder, FloorArenaStandsEverythingOnTheFloor) {
  const std::string path = gauntlet::testing::SourceDir() +
      "/suites/libero_object/pick_up_the_alphabet_soup_and_place_it_in_the_basket.bddl";
  auto task = LoadBddlFile(path);
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  EXPECT_EQ(scene.value().surface_z, 0.0);
  EXPECT_EQ(scene.value().robot_base[2], 0.0);
  auto model = CompileMjcf(scene.value().mjcf, path);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const mjModel* m = model.value().get();
  EXPECT_LT(mj_name2id(m, mjOBJ_BODY, kTableName), 0);
  const int camera = mj_name2id(m, mjOBJ_CAMERA, kAgentviewCamera);
  ASSERT_GE(camera, 0);
  EXPECT_NEAR(m->cam_pos[3 * camera + 0], 0.8966, 1e-9);
  EXPECT_NEAR(m->cam_pos[3 * camera + 2], 0.65, 1e-9);
  // A floor region's top face is the floor, like a table region's is the table.
  const int site = mj_name2id(m, mjOBJ_SITE, "floor_target_object_region");
  ASSERT_GE(site, 0);
  EXPECT_NEAR(m->site_pos[3 * site + 2] + m->site_size[3 * site + 2], 0.0, 1e-12);
  EXPECT_NEAR(m->site_pos[3 * site + 0], -0.12, 1e-9);
  EXPECT_NEAR(m->site_size[3 * site + 0], 0.025, 1e-9);
  // Every region is within the arm's comfortable reach from its base.
  for (const auto& region : task.value().regions) {
    if (region.ranges.empty()) continue;
    for (const auto& r : region.ranges) {
      for (double x : {r[0], r[2]}) {
        for (double y : {r[1], r[3]}) {
          const double reach = std::hypot(x - scene.value().robot_base[0], y - scene.value().robot_base[1]);
          EXPECT_GT(reach, 0.25) << region.name;
          EXPECT_LT(reach, 0.7) << region.name;
        }
      }
    }
  }
}

// The groceries fit the open gripper (8 cm) across their narrow side with
// room to spare: their collision shapes, not only their nominal sizes.
TEST(SceneBuilder, EveryGroceryFitsTheGripperAcrossItsNarrowSide) {
  const std::string dir = gauntlet::testing::SourceDir() + "/suites/libero_object/";
  std::set<std::string> checked;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".bddl") continue;
    auto task = LoadBddlFile(entry.path().string());
    ASSERT_TRUE(task.ok()) << task.error().message;
    auto scene = BuildScene(task.value(), SceneOptions{});
    ASSERT_TRUE(scene.ok()) << scene.error().message;
    auto model = CompileMjcf(scene.value().mjcf, entry.path().string());
    ASSERT_TRUE(model.ok()) << model.error().message;
    const mjModel* m = model.value().get();
    for (const SceneInstance& inst : scene.value().objects) {
      if (inst.model->category == "basket" || !checked.insert(inst.model->category).second) continue;
      const auto& h = inst.model->half_extent;
      const int axis = h[0] < h[1] ? 0 : 1;  // the narrow horizontal axis of the body frame
      const int body = mj_name2id(m, mjOBJ_BODY, inst.name.c_str());
      double half_width = 0;
      for (int g = 0; g < m->ngeom; ++g) {
        if (m->geom_bodyid[g] != body || m->geom_contype[g] == 0) continue;
        double rot[9];
        mju_quat2Mat(rot, m->geom_quat + 4 * g);
        const double* size = m->geom_size + 3 * g;
        double extent = 0;  // of the geom along `axis`, from its centre
        if (m->geom_type[g] == mjGEOM_BOX) {
          for (int k = 0; k < 3; ++k) extent += std::abs(rot[3 * axis + k]) * size[k];
        } else {
          ASSERT_EQ(m->geom_type[g], mjGEOM_CAPSULE) << inst.name;
          extent = std::abs(rot[3 * axis + 2]) * size[1] + size[0];
        }
        half_width = std::max(half_width, std::abs(m->geom_pos[3 * g + axis]) + extent);
      }
      EXPECT_GT(half_width, 0.015) << inst.model->category;
      EXPECT_LT(2 * half_width, 0.07) << inst.model->category << " is too wide to grasp";
      EXPECT_NEAR(half_width, h[axis], 0.003) << inst.model->category << ": half_extent disagrees with its geoms";
    }
  }
  EXPECT_EQ(checked.size(), 10u);
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
  auto task = ParseBddl(R"((define (problem LIBERO_Kitchen_Tabletop_Manipulation)
  (:domain robosuite)
  (:language x)
  (:fixtures kitchen_table - kitchen_table)
  (:objects plate_1 - plate)
  (:init (On plate_1 kitchen_table))
  (:goal (And (On plate_1 kitchen_table)))
))",
                        "kitchen.bddl");
  ASSERT_TRUE(task.ok()) << task.error().message;
  auto scene = BuildScene(task.value(), SceneOptions{});
  ASSERT_FALSE(scene.ok());
  EXPECT_NE(scene.error().message.find("LIBERO_Kitchen_Tabletop_Manipulation"), std::string::npos);
  EXPECT_NE(scene.error().message.find("supported: LIBERO_Tabletop_Manipulation, LIBERO_Floor_Manipulation"),
            std::string::npos)
      << scene.error().message;
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
