// The dual-arm workspace: clean vs randomized settings (RoboTwin's B.4), the
// disjoint seen/unseen procedural texture sets, clutter, the draw record, and
// the assembly of a scene with a robot's MJCF.
#include "envs/dualarm/workspace_scene.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <tuple>

#include "envs/dualarm/scene_rest.h"

namespace gauntlet::envs::dualarm {
namespace {

const DualarmTask& Task(const std::string& name) { return *FindDualarmTask(name).value(); }

ModelPtr Compile(const TaskLayout& layout, const WorkspaceDraw& draw, const RobotMjcf& robot = {}) {
  auto model = CompileScene(layout, draw, robot, SceneOptions{});
  EXPECT_TRUE(model.ok()) << model.error().message;
  return model.ok() ? std::move(model).value() : nullptr;
}

// The body of the layout object that `body` belongs to (itself or an
// ancestor), or "" for the workspace and clutter.
std::string OwnerObject(const mjModel* m, const TaskLayout& layout, int body) {
  for (int b = body; b > 0; b = m->body_parentid[b]) {
    const char* name = mj_id2name(m, mjOBJ_BODY, b);
    if (name && layout.Find(name)) return name;
  }
  return "";
}

// Everything about the task objects that physics reads: per body (in tree
// order) mass, inertia, relative pose; per geom type, size, friction,
// contact classes; per joint type and range. Not their world pose.
std::vector<double> TaskObjectPhysics(const mjModel* m, const TaskLayout& layout) {
  std::vector<double> out;
  for (int b = 1; b < m->nbody; ++b) {
    const std::string owner = OwnerObject(m, layout, b);
    if (owner.empty()) continue;
    out.push_back(m->body_mass[b]);
    for (int k = 0; k < 3; ++k) out.push_back(m->body_inertia[3 * b + k]);
    if (const char* name = mj_id2name(m, mjOBJ_BODY, b); !name || owner != name) {
      for (int k = 0; k < 3; ++k) out.push_back(m->body_pos[3 * b + k]);
    }
    for (int g = m->body_geomadr[b]; g < m->body_geomadr[b] + m->body_geomnum[b]; ++g) {
      out.push_back(m->geom_type[g]);
      for (int k = 0; k < 3; ++k) out.push_back(m->geom_size[3 * g + k]);
      for (int k = 0; k < 3; ++k) out.push_back(m->geom_pos[3 * g + k]);
      for (int k = 0; k < 3; ++k) out.push_back(m->geom_friction[3 * g + k]);
      out.push_back(m->geom_contype[g]);
      out.push_back(m->geom_conaffinity[g]);
    }
    for (int j = m->body_jntadr[b]; j >= 0 && j < m->body_jntadr[b] + m->body_jntnum[b]; ++j) {
      out.push_back(m->jnt_type[j]);
      out.push_back(m->jnt_range[2 * j]);
      out.push_back(m->jnt_range[2 * j + 1]);
      out.push_back(m->dof_damping[m->jnt_dofadr[j]]);
    }
  }
  return out;
}

TEST(DualarmWorkspace, CleanIsRoboTwinsDefaultScene) {
  const TaskLayout layout = SampleLayout(Task("place_container_plate"), 100000);
  const WorkspaceDraw clean = DrawWorkspace(WorkspaceSetting::kClean, 100000, TextureSet::kSeen, layout);
  EXPECT_EQ(clean.table_bias, 0);
  EXPECT_FALSE(clean.table_texture.has_value());
  EXPECT_FALSE(clean.wall_texture.has_value());
  EXPECT_TRUE(clean.clutter.empty());
  EXPECT_FALSE(clean.crazy_lights);
  ModelPtr m = Compile(layout, clean);
  ASSERT_TRUE(m);
  DataPtr d = MakeData(m.get());
  mj_forward(m.get(), d.get());
  const int table = mj_name2id(m.get(), mjOBJ_GEOM, kTableGeom);
  const int wall = mj_name2id(m.get(), mjOBJ_GEOM, kWallGeom);
  ASSERT_GE(table, 0);
  ASSERT_GE(wall, 0);
  EXPECT_NEAR(m->geom_pos[3 * table + 2] + m->geom_size[3 * table + 2], 0.74, 1e-9);
  EXPECT_NEAR(m->geom_size[3 * table + 0], 0.6, 1e-9);
  EXPECT_NEAR(m->geom_size[3 * table + 1], 0.35, 1e-9);
  EXPECT_NEAR(2 * m->geom_size[3 * table + 2], 0.05, 1e-9);
  EXPECT_NEAR(m->geom_pos[3 * wall + 1], 1.0, 1e-9);
  EXPECT_NEAR(m->geom_pos[3 * wall + 2], 1.5, 1e-9);
  EXPECT_NEAR(m->geom_size[3 * wall + 0], 3.0, 1e-9);
  EXPECT_NEAR(m->geom_size[3 * wall + 1], 0.6, 1e-9);
  const int wall_material = m->geom_matid[wall];
  ASSERT_GE(wall_material, 0);
  EXPECT_EQ(m->mat_texid[wall_material], -1);
  EXPECT_FLOAT_EQ(m->mat_rgba[4 * wall_material + 1], 0.9f);
  EXPECT_FLOAT_EQ(m->vis.headlight.ambient[0], 0.5f);
  const int dir = mj_name2id(m.get(), mjOBJ_LIGHT, kDirectionalLight);
  const int left = mj_name2id(m.get(), mjOBJ_LIGHT, kLeftPointLight);
  const int right = mj_name2id(m.get(), mjOBJ_LIGHT, kRightPointLight);
  ASSERT_GE(dir, 0);
  ASSERT_GE(left, 0);
  ASSERT_GE(right, 0);
  EXPECT_TRUE(m->light_directional[dir]);
  EXPECT_FLOAT_EQ(m->light_diffuse[3 * dir], 0.5f);
  EXPECT_NEAR(m->light_dir[3 * dir + 1] / m->light_dir[3 * dir + 2], -0.5, 1e-6);  // along (0, 0.5, -1)
  EXPECT_FALSE(m->light_directional[left]);
  EXPECT_FLOAT_EQ(m->light_diffuse[3 * left + 2], 1.0f);
  EXPECT_NEAR(m->light_pos[3 * left], -1, 1e-9);
  EXPECT_NEAR(m->light_pos[3 * right], 1, 1e-9);
  EXPECT_NEAR(m->light_pos[3 * right + 2], 1.8, 1e-9);
}

// Same seed, clean vs randomized: the task objects are the same objects in
// the same places with the same physics; only the table height (so every
// object's z, by the same bias), textures, lights and clutter differ.
TEST(DualarmWorkspace, RandomizedChangesOnlyTheWorkspace) {
  int textured = 0, lit = 0, cluttered = 0, lowered = 0;
  for (const DualarmTask& task : DualarmTasks()) {
    for (std::uint64_t seed : {100000u, 100001u, 100002u}) {
      const TaskLayout layout = SampleLayout(task, seed);
      const WorkspaceDraw clean = DrawWorkspace(WorkspaceSetting::kClean, seed, TextureSet::kSeen, layout);
      const WorkspaceDraw random = DrawWorkspace(WorkspaceSetting::kRandomized, seed, TextureSet::kSeen, layout);
      ModelPtr mc = Compile(layout, clean), mr = Compile(layout, random);
      ASSERT_TRUE(mc && mr);
      EXPECT_EQ(TaskObjectPhysics(mc.get(), layout), TaskObjectPhysics(mr.get(), layout)) << task.name;
      DataPtr dc = MakeData(mc.get()), dr = MakeData(mr.get());
      mj_forward(mc.get(), dc.get());
      mj_forward(mr.get(), dr.get());
      for (const TaskObject& o : layout.objects) {
        const int bc = mj_name2id(mc.get(), mjOBJ_BODY, o.name.c_str());
        const int br = mj_name2id(mr.get(), mjOBJ_BODY, o.name.c_str());
        EXPECT_DOUBLE_EQ(dc->xpos[3 * bc], dr->xpos[3 * br]) << task.name << " " << o.name;
        EXPECT_DOUBLE_EQ(dc->xpos[3 * bc + 1], dr->xpos[3 * br + 1]);
        EXPECT_NEAR(dr->xpos[3 * br + 2] - dc->xpos[3 * bc + 2], random.table_bias, 1e-10);
        for (int k = 0; k < 9; ++k) EXPECT_DOUBLE_EQ(dc->xmat[9 * bc + k], dr->xmat[9 * br + k]);
      }
      EXPECT_GE(random.table_bias, -0.03);
      EXPECT_LE(random.table_bias, 0.0);
      lowered += random.table_bias < 0;
      textured += random.wall_texture.has_value() && random.table_texture.has_value();
      lit += random.lights.directional != clean.lights.directional;
      cluttered += !random.clutter.empty();
      // The settings' own physics: clutter is welded, so the free bodies are the task's.
      EXPECT_EQ(mc->njnt, mr->njnt) << task.name;
    }
  }
  EXPECT_EQ(lowered, 48);
  EXPECT_GE(textured, 44);  // each surface falls back to plain with probability 0.02
  EXPECT_EQ(lit, 48);
  EXPECT_GE(cluttered, 40);
}

TEST(DualarmWorkspace, SeenAndUnseenTextureSetsAreDisjoint) {
  const auto& seen = TexturePool(TextureSet::kSeen);
  const auto& unseen = TexturePool(TextureSet::kUnseen);
  EXPECT_GE(seen.size(), 30u);
  EXPECT_GE(unseen.size(), 10u);
  const auto key = [](const ProceduralTexture& t) { return std::make_tuple(t.builtin, t.rgb1, t.rgb2, t.mark, t.repeat); };
  std::set<decltype(key(seen[0]))> seen_keys;
  std::set<std::string> names;
  for (const auto& t : seen) {
    seen_keys.insert(key(t));
    names.insert(t.Name());
    EXPECT_LE(t.repeat, 4);
    EXPECT_NE(t.mark, "random");
  }
  for (const auto& t : unseen) {
    EXPECT_EQ(seen_keys.count(key(t)), 0u) << t.Name();
    EXPECT_TRUE(names.insert(t.Name()).second) << t.Name();
    EXPECT_GE(t.repeat, 5);
    EXPECT_EQ(t.mark, "random");
  }
  std::set<std::string> builtins;
  for (const auto& t : seen) builtins.insert(t.builtin);
  EXPECT_EQ(builtins, (std::set<std::string>{"checker", "flat", "gradient"}));
  // Disjoint in colour too: pale vs vivid (saturation = (max - min) / max).
  const auto saturation = [](const Vec3& c) {
    const double hi = std::max({c[0], c[1], c[2]}), lo = std::min({c[0], c[1], c[2]});
    return (hi - lo) / hi;
  };
  for (const auto& t : seen) EXPECT_LE(saturation(t.rgb1), 0.45 + 1e-9);
  for (const auto& t : unseen) EXPECT_GE(saturation(t.rgb1), 0.55 - 1e-9);
}

TEST(DualarmWorkspace, EvalModeDrawsFromTheUnseenSetAndFallsBackToPlainRarely) {
  const TaskLayout layout = SampleLayout(Task("lift_pot"), 0);
  int plain = 0, crazy = 0, n = 0;
  double light_sum = 0, light_min = 1, light_max = 0;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    for (TextureSet set : {TextureSet::kSeen, TextureSet::kUnseen}) {
      const WorkspaceDraw w = DrawWorkspace(WorkspaceSetting::kRandomized, seed, set, layout);
      for (const auto& t : {w.wall_texture, w.table_texture}) {
        ++n;
        if (!t) {
          ++plain;
          continue;
        }
        EXPECT_EQ(t->set, set);
        EXPECT_EQ(t->Name().rfind(TextureSetName(set), 0), 0u);
      }
      if (set == TextureSet::kSeen) {
        crazy += w.crazy_lights;
        for (const Vec3& c : {w.lights.directional, w.lights.left, w.lights.right}) {
          for (double v : c) {
            light_sum += v;
            light_min = std::min(light_min, v);
            light_max = std::max(light_max, v);
          }
        }
      }
    }
  }
  // 8000 surfaces at p = 0.02: 160 expected, sd 12.5.
  EXPECT_GT(plain, 110);
  EXPECT_LT(plain, 210);
  EXPECT_GT(crazy, 15);  // 2000 episodes at p = 0.02: 40 expected, sd 6.3
  EXPECT_LT(crazy, 65);
  EXPECT_NEAR(light_sum / (2000 * 9), 0.5, 0.02);
  EXPECT_GE(light_min, 0.0);
  EXPECT_LT(light_max, 1.0);
  EXPECT_LT(light_min, 0.01);
  EXPECT_GT(light_max, 0.99);
}

TEST(DualarmWorkspace, ClutterAvoidsTheTasksCategoriesFootprintsAndSweptDiscs) {
  int total = 0, full = 0;
  for (const DualarmTask& task : DualarmTasks()) {
    std::set<std::string> task_categories;
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
      const TaskLayout layout = SampleLayout(task, seed);
      for (const TaskObject& o : layout.objects) task_categories.insert(CategoryName(o.kind));
      const WorkspaceDraw w = DrawWorkspace(WorkspaceSetting::kRandomized, seed, TextureSet::kSeen, layout);
      EXPECT_LE(w.clutter.size(), 10u);
      EXPECT_LE(w.clutter_tries, 50);
      total += static_cast<int>(w.clutter.size());
      full += w.clutter.size() == 10u;
      for (const TaskObject& c : w.clutter) {
        EXPECT_EQ(task_categories.count(CategoryName(c.kind)), 0u) << task.name << " " << CategoryName(c.kind);
        EXPECT_LE(std::abs(c.x), 0.59);
        EXPECT_LE(std::abs(c.y), 0.34);
        for (const TaskObject& o : layout.objects) {
          EXPECT_GE(std::hypot(c.x - o.x, c.y - o.y), FootprintRadius(c) + FootprintRadius(o)) << task.name;
        }
        for (const KeepClear& k : layout.keep_clear) EXPECT_GE(std::hypot(c.x - k.x, c.y - k.y), k.radius);
        for (const TaskObject& other : w.clutter) {
          if (&other != &c) {
            EXPECT_GE(std::hypot(c.x - other.x, c.y - other.y), FootprintRadius(c) + FootprintRadius(other));
          }
        }
      }
      // Things that could pass for the task's objects never appear.
      for (const TaskObject& c : w.clutter) {
        if (task.name == "stack_blocks_two" || task.name == "place_a2b_left") {
          EXPECT_NE(c.kind, ObjectKind::kPrimitive);
          EXPECT_NE(c.kind, ObjectKind::kBlock);
        }
        if (task.name == "place_empty_cup") {
          EXPECT_NE(c.kind, ObjectKind::kContainer);
        }
        if (task.name == "move_can_pot") {
          EXPECT_NE(c.kind, ObjectKind::kBottle);
        }
      }
    }
  }
  EXPECT_GT(total, 16 * 30 * 4);  // the table has room for several clutter objects in most scenes
  EXPECT_GT(full, 0);
}

TEST(DualarmWorkspace, DrawRecordNamesWhatWasDrawn) {
  const TaskLayout layout = SampleLayout(Task("click_bell"), 5);
  const WorkspaceDraw w = DrawWorkspace(WorkspaceSetting::kRandomized, 5, TextureSet::kUnseen, layout);
  const nlohmann::json j = w.ToJson();
  EXPECT_EQ(j.at("setting"), "randomized");
  EXPECT_EQ(j.at("texture_set"), "unseen");
  EXPECT_EQ(j.at("seed"), 5);
  EXPECT_DOUBLE_EQ(j.at("table_bias").get<double>(), w.table_bias);
  if (w.wall_texture) {
    EXPECT_EQ(j.at("wall_texture").at("name"), w.wall_texture->Name());
  }
  EXPECT_EQ(j.at("clutter").size(), w.clutter.size());
  EXPECT_EQ(j.at("lights").at("left").get<std::vector<double>>(),
            std::vector<double>(w.lights.left.begin(), w.lights.left.end()));
  EXPECT_EQ(DrawWorkspace(WorkspaceSetting::kRandomized, 5, TextureSet::kUnseen, layout).ToJson(), j);
  EXPECT_NE(DrawWorkspace(WorkspaceSetting::kRandomized, 6, TextureSet::kUnseen, layout).ToJson(), j);
  EXPECT_EQ(DrawWorkspace(WorkspaceSetting::kClean, 5, TextureSet::kSeen, layout).ToJson().at("clutter").size(), 0u);
}

TEST(DualarmWorkspace, TexturedSurfacesCompileWithTheirBuiltinTextures) {
  const TaskLayout layout = SampleLayout(Task("grab_roller"), 3);
  for (TextureSet set : {TextureSet::kSeen, TextureSet::kUnseen}) {
    const WorkspaceDraw w = DrawWorkspace(WorkspaceSetting::kRandomized, 3, set, layout);
    ASSERT_TRUE(w.wall_texture && w.table_texture);
    ModelPtr m = Compile(layout, w);
    ASSERT_TRUE(m);
    const int table = mj_name2id(m.get(), mjOBJ_GEOM, kTableGeom);
    EXPECT_GE(m->mat_texid[m->geom_matid[table]], 0);
    EXPECT_NEAR(m->geom_pos[3 * table + 2] + m->geom_size[3 * table + 2], 0.74 + w.table_bias, 1e-10);
    const int dir = mj_name2id(m.get(), mjOBJ_LIGHT, kDirectionalLight);
    EXPECT_FLOAT_EQ(m->light_diffuse[3 * dir], static_cast<float>(w.lights.directional[0]));
    for (const TaskObject& c : w.clutter) {
      const int b = mj_name2id(m.get(), mjOBJ_BODY, c.name.c_str());
      ASSERT_GE(b, 0);
      EXPECT_EQ(m->body_jntnum[b], 0) << "clutter is welded";
    }
  }
}

TEST(DualarmWorkspace, CrazyLightsChangePerRenderOnlyInCrazyEpisodes) {
  const TaskLayout layout = SampleLayout(Task("lift_pot"), 0);
  std::uint64_t crazy_seed = 0;
  while (!DrawWorkspace(WorkspaceSetting::kRandomized, crazy_seed, TextureSet::kSeen, layout).crazy_lights) ++crazy_seed;
  const WorkspaceDraw crazy = DrawWorkspace(WorkspaceSetting::kRandomized, crazy_seed, TextureSet::kSeen, layout);
  ModelPtr m = Compile(layout, crazy);
  ASSERT_TRUE(m);
  const int dir = mj_name2id(m.get(), mjOBJ_LIGHT, kDirectionalLight);
  ApplyCrazyLights(m.get(), crazy, 1);
  const float first = m->light_diffuse[3 * dir];
  const float ambient = m->vis.headlight.ambient[0];
  EXPECT_GE(ambient, 0.4f);
  EXPECT_LE(ambient, 0.6f);
  ApplyCrazyLights(m.get(), crazy, 2);
  EXPECT_NE(m->light_diffuse[3 * dir], first);
  ApplyCrazyLights(m.get(), crazy, 1);
  EXPECT_EQ(m->light_diffuse[3 * dir], first);  // per render index, reproducible

  const WorkspaceDraw calm = DrawWorkspace(WorkspaceSetting::kRandomized, crazy_seed + 1, TextureSet::kSeen, layout);
  if (!calm.crazy_lights) {
    ModelPtr mc = Compile(layout, calm);
    const float before = mc->light_diffuse[3 * dir];
    ApplyCrazyLights(mc.get(), calm, 7);
    EXPECT_EQ(mc->light_diffuse[3 * dir], before);
  }
}

// The robot's fragments land in their sections: a one-joint "arm" with an
// actuator, a camera, a default class and an equality compiles with the
// workspace and the task objects.
TEST(DualarmWorkspace, AssemblesTheRobotsFragments) {
  const TaskLayout layout = SampleLayout(Task("handover_block"), 1);
  RobotMjcf robot;
  robot.defaults = "<default class=\"test_arm\"><joint damping=\"3\"/></default>\n";
  robot.worldbody =
      "<body name=\"test_base\" pos=\"0 -0.65 0.75\"><joint name=\"test_j1\" class=\"test_arm\" axis=\"0 0 1\" range=\"-1 1\"/>"
      "<geom type=\"box\" size=\"0.05 0.05 0.05\"/><camera name=\"test_head\" pos=\"0 0 0.6\"/>"
      "<body name=\"test_link\" pos=\"0 0 0.1\"><joint name=\"test_j2\" axis=\"1 0 0\"/><geom type=\"sphere\" size=\"0.02\"/></body></body>\n";
  robot.actuators = "<position name=\"test_act\" joint=\"test_j1\" kp=\"50\"/>\n";
  robot.equalities = "<joint joint1=\"test_j2\" joint2=\"test_j1\"/>\n";
  robot.contacts = "<exclude body1=\"test_base\" body2=\"test_link\"/>\n";
  ModelPtr m = Compile(layout, DrawWorkspace(WorkspaceSetting::kRandomized, 1, TextureSet::kSeen, layout), robot);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->nu, 1);
  EXPECT_EQ(m->neq, 1);
  EXPECT_EQ(m->nexclude, 1);
  EXPECT_GE(mj_name2id(m.get(), mjOBJ_CAMERA, "test_head"), 0);
  EXPECT_DOUBLE_EQ(m->dof_damping[m->jnt_dofadr[mj_name2id(m.get(), mjOBJ_JOINT, "test_j1")]], 3.0);
  EXPECT_GE(mj_name2id(m.get(), mjOBJ_SITE, "box_end0"), 0);
}

TEST(DualarmWorkspace, RandomizedScenesSettleToo) {
  int unsettled = 0;
  for (const DualarmTask& task : DualarmTasks()) {
    for (std::uint64_t seed = 100000; seed < 100005; ++seed) {
      const TaskLayout layout = SampleLayout(task, seed);
      const WorkspaceDraw w = DrawWorkspace(WorkspaceSetting::kRandomized, seed, TextureSet::kUnseen, layout);
      ModelPtr m = Compile(layout, w);
      ASSERT_TRUE(m);
      DataPtr d = MakeData(m.get());
      SettleScene(m.get(), d.get(), 1.0);
      const RestReport r = CheckAtRest(m.get(), d.get());
      if (!r.at_rest) {
        ++unsettled;
        ADD_FAILURE() << task.name << " seed " << seed << ": " << r.fastest_body << " moving at " << r.max_linear_speed;
      }
    }
  }
  EXPECT_EQ(unsettled, 0);
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
