// The dual-arm tasks as data, their instruction templates, and the
// placement sampler: ranges and constraints of RoboTwin's placement (restated
// here from the reference, independently of the sampler), determinism per
// seed, and scenes that compile and come to rest.
#include "envs/dualarm/dualarm_tasks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include "envs/dualarm/placement_sampler.h"
#include "envs/dualarm/scene_rest.h"
#include "envs/dualarm/seeded_random.h"
#include "envs/dualarm/workspace_scene.h"
#include "harness/hashing.h"

namespace gauntlet::envs::dualarm {
namespace {

constexpr double kEps = 1e-12;
constexpr double kPiValue = 3.14159265358979323846;

TEST(DualarmTasks, SixteenTasksWithRoboTwinsLimitsAndMergeVlasLabels) {
  const auto& tasks = DualarmTasks();
  ASSERT_EQ(tasks.size(), 16u);
  std::set<std::string> names;
  for (const DualarmTask& t : tasks) names.insert(t.name);
  EXPECT_EQ(names.size(), 16u);
  const auto task = [](const std::string& name) { return *FindDualarmTask(name).value(); };
  EXPECT_EQ(task("place_container_plate").step_limit, 400);
  EXPECT_EQ(task("place_container_plate").mergevla, "T1");
  EXPECT_EQ(task("handover_block").step_limit, 800);
  EXPECT_EQ(task("handover_block").mergevla, "T2");
  EXPECT_EQ(task("handover_block").arms, ArmUse::kHandover);
  EXPECT_EQ(task("open_microwave").step_limit, 1500);
  EXPECT_EQ(task("open_microwave").mergevla, "T3");
  EXPECT_EQ(task("blocks_ranking_rgb").step_limit, 1200);
  EXPECT_EQ(task("lift_pot").arms, ArmUse::kSimultaneous);
  EXPECT_EQ(task("put_object_cabinet").arms, ArmUse::kSequential);
  EXPECT_EQ(task("click_bell").arms, ArmUse::kOneArm);
  EXPECT_DOUBLE_EQ(task("place_cans_plasticbox").xvla_easy, 100);
  EXPECT_DOUBLE_EQ(task("place_cans_plasticbox").xvla_hard, 85);
  int labelled = 0;
  for (const DualarmTask& t : tasks) labelled += !t.mergevla.empty();
  EXPECT_EQ(labelled, 3);
}

TEST(DualarmTasks, LookupNamesCloseMatches) {
  auto typo = FindDualarmTask("place_container_plat");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("did you mean: place_container_plate"), std::string::npos)
      << typo.error().message;
  auto partial = FindDualarmTask("a2b");
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.error().message.find("place_a2b_left"), std::string::npos);
  EXPECT_NE(partial.error().message.find("place_a2b_right"), std::string::npos);
  auto far = FindDualarmTask("zzzz");
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.error().message.find("the tasks are:"), std::string::npos);
}

TEST(DualarmTasks, TemplatePoolsAreLargeDistinctAndUseOnlyDeclaredPlaceholders) {
  for (const DualarmTask& t : DualarmTasks()) {
    EXPECT_GE(t.seen.size(), 6u) << t.name;
    EXPECT_GE(t.unseen.size(), 3u) << t.name;
    std::set<std::string> all(t.seen.begin(), t.seen.end());
    for (const std::string& u : t.unseen) EXPECT_TRUE(all.insert(u).second) << t.name << ": seen and unseen share " << u;
    std::map<std::string, std::string> values;
    for (const std::string& p : t.placeholders) values[p] = "<" + p + ">";
    for (const std::string& text : all) {
      auto filled = FillTemplate(text, values);
      ASSERT_TRUE(filled.ok()) << t.name << ": " << filled.error().message;
      // Every template names at least one object.
      EXPECT_NE(filled.value().find('<'), std::string::npos) << t.name << ": " << text;
    }
  }
}

TEST(DualarmTasks, FillTemplateRefusesMissingValuesAndOpenBraces) {
  EXPECT_EQ(FillTemplate("Put {A} on {B}.", {{"A", "the red bowl"}, {"B", "the plate"}}).value(),
            "Put the red bowl on the plate.");
  auto missing = FillTemplate("Put {A} on {B}.", {{"A", "x"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("{B}"), std::string::npos);
  EXPECT_FALSE(FillTemplate("Put {A on it", {{"A", "x"}}).ok());
}

TEST(DualarmTasks, InstructionsComeFromTheSampledObjectsAndTheSeed) {
  const DualarmTask& task = *FindDualarmTask("place_container_plate").value();
  std::set<std::string> seen_texts;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const TaskLayout layout = SampleLayout(task, seed);
    auto a = DrawInstruction(task, InstructionSet::kSeen, seed, layout.placeholders);
    auto b = DrawInstruction(task, InstructionSet::kSeen, seed, layout.placeholders);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a.value(), b.value());
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(a.value()[0]))) << a.value();
    const std::string container = layout.Get("container").description;
    std::string lower = a.value();
    lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
    EXPECT_NE(lower.find(container), std::string::npos) << a.value() << " / " << container;
    seen_texts.insert(a.value());
    auto u = DrawInstruction(task, InstructionSet::kUnseen, seed, layout.placeholders);
    ASSERT_TRUE(u.ok());
    bool from_unseen = false;
    for (const std::string& t : task.unseen) {
      from_unseen = from_unseen || FillTemplate(t, layout.placeholders).value().substr(1) == u.value().substr(1);
    }
    EXPECT_TRUE(from_unseen) << u.value();
  }
  EXPECT_GT(seen_texts.size(), 20u);  // templates and objects both vary
}

// The raw stream is std::mt19937_64's, whose output the standard fixes; the
// mapping to numbers is ours. Pinned so that a platform or library change
// that moved a draw would show.
TEST(DualarmSeededRandom, DrawsArePinned) {
  SeededRandom a(7, "pin"), b(7, "pin"), c(7, "other");
  const double first = a.Unit();
  EXPECT_EQ(first, b.Unit());
  EXPECT_NE(first, c.Unit());
  std::mt19937_64 engine(SplitMix64(7 ^ Fnv1a64("pin")));
  EXPECT_EQ(first, static_cast<double>(engine() >> 11) * 0x1.0p-53);
  SeededRandom r(1, "range");
  for (int i = 0; i < 1000; ++i) {
    const double u = r.Uniform(-0.3, 0.2);
    EXPECT_GE(u, -0.3);
    EXPECT_LT(u, 0.2);
    const int k = r.Index(5);
    EXPECT_GE(k, 0);
    EXPECT_LT(k, 5);
  }
}

std::string Fingerprint(const TaskLayout& l) {
  std::ostringstream o;
  o.precision(17);
  for (const TaskObject& t : l.objects) {
    o << t.name << " " << CategoryName(t.kind) << " " << ShapeName(t.shape) << " " << t.size[0] << " " << t.size[1]
      << " " << t.size[2] << " " << t.colour << " " << t.x << " " << t.y << " " << t.yaw << " " << t.description
      << ";";
  }
  o << ArmSideName(l.lead_arm);
  for (const auto& [k, v] : l.placeholders) o << k << "=" << v << ";";
  return o.str();
}

bool In(double v, double lo, double hi) { return v >= lo - kEps && v <= hi + kEps; }

// The reference's ranges and constraints per task; each failure appends a line.
using RangeCheck = std::function<void(const TaskLayout&, std::vector<std::string>&)>;

#define REQUIRE(cond)                      \
  do {                                     \
    if (!(cond)) bad.push_back(#cond);     \
  } while (0)

void BlockRules(const TaskLayout& l, std::vector<std::string>& bad, double half_lo, double half_hi) {
  for (const TaskObject& b : l.objects) {
    REQUIRE(In(b.x, -0.28, 0.28) && std::abs(b.x) >= 0.05);
    REQUIRE(In(b.y, -0.08, 0.05));
    REQUIRE(In(b.yaw, -0.75, 0.75));
    REQUIRE(std::hypot(b.x, b.y + 0.1) >= 0.15);
    REQUIRE(In(b.size[0], half_lo, half_hi));
    for (const TaskObject& o : l.objects) {
      if (&o != &b) REQUIRE(std::hypot(b.x - o.x, b.y - o.y) >= 0.1);
    }
  }
}

const std::map<std::string, RangeCheck>& RangeChecks() {
  static const std::map<std::string, RangeCheck> checks = {
      {"place_container_plate",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &c = l.Get("container"), &p = l.Get("plate");
         const double side = c.x < 0 ? -1 : 1;
         REQUIRE(In(std::abs(c.x), 0.20, 0.28));
         REQUIRE(In(c.y, -0.10, 0.05));
         REQUIRE(In(c.size[0], 0.04, 0.06));
         REQUIRE(std::abs(p.x - side * 0.05) <= 0.03 + kEps);
         REQUIRE(In(p.y, -0.15, -0.10));
         REQUIRE(l.lead_arm == (side < 0 ? ArmSide::kLeft : ArmSide::kRight));
       }},
      {"open_microwave",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject& m = l.Get("microwave");
         REQUIRE(In(m.x, -0.12, -0.02));
         REQUIRE(In(m.y, 0.15, 0.20));
       }},
      {"click_bell",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject& b = l.Get("bell");
         REQUIRE(In(b.x, -0.25, 0.25) && std::abs(b.x) >= 0.05);
         REQUIRE(In(b.y, -0.2, 0));
         REQUIRE(l.lead_arm == (b.x < 0 ? ArmSide::kLeft : ArmSide::kRight));
       }},
      {"move_can_pot",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &p = l.Get("pot"), &c = l.Get("can");
         REQUIRE(p.x == 0 && p.y == 0 && In(p.yaw, -kPiValue / 8, kPiValue / 8));
         REQUIRE(In(c.x, -0.3, 0.3) && std::abs(c.x) >= 0.2);
         REQUIRE(In(c.y, 0.05, 0.15));
         REQUIRE(l.lead_arm == (c.x < 0 ? ArmSide::kLeft : ArmSide::kRight));
       }},
      {"place_a2b_left",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &a = l.Get("object_a"), &b = l.Get("object_b");
         REQUIRE(In(a.x, -0.22, 0.22) && In(a.y, -0.2, 0));
         REQUIRE(a.x > 0 ? In(b.x, 0.18, 0.23) : In(b.x, -0.1, 0.1));
         REQUIRE(In(b.y, -0.2, 0));
         const double d = std::hypot(a.x - b.x, a.y - b.y);
         REQUIRE(!(d > 0.08 && d < 0.2 && std::abs(a.y - b.y) < 0.05 && a.x < b.x));
         REQUIRE(a.description != b.description);
       }},
      {"place_a2b_right",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &a = l.Get("object_a"), &b = l.Get("object_b");
         REQUIRE(In(a.x, -0.22, 0.22) && In(a.y, -0.2, 0));
         REQUIRE(a.x > 0 ? In(b.x, 0.18, 0.23) : In(b.x, -0.1, 0.1));
         REQUIRE(In(b.y, -0.2, 0));
         const double d = std::hypot(a.x - b.x, a.y - b.y);
         REQUIRE(!(d > 0.08 && d < 0.2 && std::abs(a.y - b.y) < 0.05 && a.x > b.x));
         REQUIRE(a.description != b.description);
       }},
      {"place_empty_cup",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &c = l.Get("cup"), &k = l.Get("coaster");
         REQUIRE((In(c.x, 0.15, 0.3) && In(k.x, -0.05, 0.1)) || (In(c.x, -0.3, -0.15) && In(k.x, -0.1, 0.05)));
         REQUIRE(In(c.y, -0.2, 0.05) && In(k.y, -0.2, 0.05));
         REQUIRE(std::hypot(c.x - k.x, c.y - k.y) >= 0.1);
         REQUIRE(ObjectNoun(c) == "cup");
       }},
      {"stack_blocks_two", [](const TaskLayout& l, std::vector<std::string>& bad) { BlockRules(l, bad, 0.025, 0.025); }},
      {"blocks_ranking_rgb",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         BlockRules(l, bad, 0.015, 0.025);
         const double r = l.Get("block_red").x, g = l.Get("block_green").x, b = l.Get("block_blue").x;
         REQUIRE(!(r < g && g < b));
       }},
      {"handover_block",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &b = l.Get("box"), &p = l.Get("pad");
         REQUIRE(In(b.x, -0.25, -0.05) && In(b.y, 0, 0.25) && In(b.yaw, -0.2, 0.2));
         REQUIRE(b.size == (Vec3{0.03, 0.03, 0.10}));
         REQUIRE(In(p.x, 0.10, 0.25) && In(p.y, 0.15, 0.20));
         REQUIRE(l.lead_arm == ArmSide::kLeft);
       }},
      {"handover_mic",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject& m = l.Get("mic");
         REQUIRE(In(std::abs(m.x), 0.15, 0.2) && In(m.y, -0.05, 0));
         REQUIRE(l.lead_arm == (m.x < 0 ? ArmSide::kLeft : ArmSide::kRight));
       }},
      {"lift_pot",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject& p = l.Get("pot");
         REQUIRE(In(p.x, -0.05, 0.05) && In(p.y, -0.05, 0.05) && In(p.yaw, -kPiValue / 8, kPiValue / 8));
       }},
      {"grab_roller",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject& r = l.Get("roller");
         REQUIRE(In(r.x, -0.15, 0.15) && In(r.y, -0.25, -0.05));
       }},
      {"pick_dual_bottles",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &a = l.Get("bottle_left"), &b = l.Get("bottle_right");
         REQUIRE(In(a.x, -0.25, -0.05) && In(b.x, 0.05, 0.25));
         REQUIRE(In(a.y, 0.03, 0.23) && In(b.y, 0.03, 0.23));
       }},
      {"place_cans_plasticbox",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &box = l.Get("plasticbox"), &a = l.Get("can_left"), &b = l.Get("can_right");
         REQUIRE(box.x == 0 && In(box.y, -0.15, -0.10));
         REQUIRE(In(a.x, -0.25, -0.15) && In(b.x, 0.15, 0.25));
         REQUIRE(In(a.y, -0.15, -0.07) && In(b.y, -0.15, -0.07));
       }},
      {"put_object_cabinet",
       [](const TaskLayout& l, std::vector<std::string>& bad) {
         const TaskObject &c = l.Get("cabinet"), &o = l.Get("object");
         REQUIRE(In(c.x, -0.05, 0.05) && c.y == 0.155 && In(c.yaw, -kPiValue / 16, kPiValue / 16));
         REQUIRE(In(o.x, -0.32, 0.32) && std::abs(o.x) >= 0.2 && In(o.y, -0.2, -0.1));
         REQUIRE(l.lead_arm == (o.x < 0 ? ArmSide::kLeft : ArmSide::kRight));
       }},
  };
  return checks;
}

TEST(DualarmPlacement, EveryTaskWithinRangesAndConstraintsOn200Seeds) {
  ASSERT_EQ(RangeChecks().size(), DualarmTasks().size());
  for (const DualarmTask& task : DualarmTasks()) {
    const RangeCheck& check = RangeChecks().at(task.name);
    int failures = 0;
    for (std::uint64_t seed = 100000; seed < 100200; ++seed) {
      const TaskLayout l = SampleLayout(task, seed);
      std::vector<std::string> bad;
      check(l, bad);
      for (std::size_t i = 0; i < l.objects.size(); ++i) {
        for (std::size_t j = i + 1; j < l.objects.size(); ++j) {
          const TaskObject &a = l.objects[i], &b = l.objects[j];
          if (std::hypot(a.x - b.x, a.y - b.y) < FootprintRadius(a) + FootprintRadius(b)) {
            bad.push_back("footprints of " + a.name + " and " + b.name + " overlap");
          }
        }
      }
      for (const std::string& p : task.placeholders) {
        if (!l.placeholders.count(p)) bad.push_back("no value for placeholder " + p);
      }
      if (!bad.empty() && ++failures <= 3) {
        ADD_FAILURE() << task.name << " seed " << seed << ": " << bad.front() << " (" << bad.size() << " in all)";
      }
    }
    EXPECT_EQ(failures, 0) << task.name;
  }
}

TEST(DualarmPlacement, DeterministicPerSeedAndDifferentAcrossSeeds) {
  for (const DualarmTask& task : DualarmTasks()) {
    std::set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const std::string a = Fingerprint(SampleLayout(task, seed));
      EXPECT_EQ(a, Fingerprint(SampleLayout(task, seed))) << task.name << " seed " << seed;
      distinct.insert(a);
    }
    EXPECT_EQ(distinct.size(), 20u) << task.name;
  }
  EXPECT_FALSE(SampleLayout("no_such_task", 0).ok());
}

// Where an object's origin is in the world, from its body.
std::array<double, 3> Origin(const mjModel* m, const mjData* d, const std::string& body) {
  const int b = mj_name2id(m, mjOBJ_BODY, body.c_str());
  return {d->xpos[3 * b], d->xpos[3 * b + 1], d->xpos[3 * b + 2]};
}

// Every task's clean scene compiles with no robot, and after one second of
// physics its free objects are at rest where the layout put them. Prints the
// rate per task and the compile time.
// 20 seeds per task here; the stored seed lists check the first 100 of every
// task for rest on its robot (their rejected entries would say otherwise).
TEST(DualarmPlacement, EveryTasksSceneCompilesAndSettlesOn20Seeds) {
  constexpr int kSeeds = 20;
  std::ostringstream table;
  table << "task                    at rest  moved  compile ms\n";
  int unsettled_total = 0;
  for (const DualarmTask& task : DualarmTasks()) {
    int at_rest = 0, moved = 0;
    double compile_ms = 0;
    std::vector<std::string> notes;
    for (std::uint64_t seed = 100000; seed < 100000 + kSeeds; ++seed) {
      const TaskLayout layout = SampleLayout(task, seed);
      const WorkspaceDraw draw = DrawWorkspace(WorkspaceSetting::kClean, seed, TextureSet::kSeen, layout);
      const auto start = std::chrono::steady_clock::now();
      auto model = CompileScene(layout, draw, RobotMjcf{}, SceneOptions{});
      compile_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      ASSERT_TRUE(model.ok()) << model.error().message;
      const mjModel* m = model.value().get();
      DataPtr data = MakeData(m);
      ASSERT_TRUE(WriteLayoutState(m, data.get(), layout, draw.table_top_z()).ok());
      SettleScene(m, data.get(), 1.0);
      const RestReport rest = CheckAtRest(m, data.get());
      at_rest += rest.at_rest;
      if (!rest.at_rest) notes.push_back("seed " + std::to_string(seed) + ": " + rest.fastest_body + " moving");
      bool any_moved = false;
      for (const TaskObject& o : layout.objects) {
        const auto p = Origin(m, data.get(), o.name);
        const double drift = std::hypot(p[0] - o.x, p[1] - o.y, p[2] - draw.table_top_z());
        if (drift > 0.005) {
          any_moved = true;
          notes.push_back("seed " + std::to_string(seed) + ": " + o.name + " drifted " + std::to_string(drift));
        }
      }
      moved += any_moved;
    }
    unsettled_total += (kSeeds - at_rest) + moved;
    char line[160];
    std::snprintf(line, sizeof line, "%-24s %5d/%d  %5d  %8.2f\n", task.name.c_str(), at_rest, kSeeds, moved,
                  compile_ms / kSeeds);
    table << line;
    for (std::size_t i = 0; i < notes.size() && i < 3; ++i) table << "    " << notes[i] << "\n";
  }
  std::cout << table.str();
  EXPECT_EQ(unsettled_total, 0) << table.str();
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
