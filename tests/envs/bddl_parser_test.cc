#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "envs/tabletop/bddl_task.h"
#include "harness/suite_spec.h"
#include "tests/test_support.h"
#include "gauntlet_build_paths.h"

namespace gauntlet::envs::tabletop {
namespace {

namespace fs = std::filesystem;

// libero_spatial in benchmark task-id order (LIBERO's libero_suite_task_map).
const std::vector<std::string> kSpatialTasks = {
    "pick_up_the_black_bowl_between_the_plate_and_the_ramekin_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_next_to_the_ramekin_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_on_the_cookie_box_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_in_the_top_drawer_of_the_wooden_cabinet_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_on_the_ramekin_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_next_to_the_cookie_box_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_on_the_stove_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_next_to_the_plate_and_place_it_on_the_plate",
    "pick_up_the_black_bowl_on_the_wooden_cabinet_and_place_it_on_the_plate",
};

// libero_object in benchmark task-id order.
const std::vector<std::string> kObjectTasks = {
    "pick_up_the_alphabet_soup_and_place_it_in_the_basket",
    "pick_up_the_cream_cheese_and_place_it_in_the_basket",
    "pick_up_the_salad_dressing_and_place_it_in_the_basket",
    "pick_up_the_bbq_sauce_and_place_it_in_the_basket",
    "pick_up_the_ketchup_and_place_it_in_the_basket",
    "pick_up_the_tomato_sauce_and_place_it_in_the_basket",
    "pick_up_the_butter_and_place_it_in_the_basket",
    "pick_up_the_milk_and_place_it_in_the_basket",
    "pick_up_the_chocolate_pudding_and_place_it_in_the_basket",
    "pick_up_the_orange_juice_and_place_it_in_the_basket",
};

// libero_goal in benchmark task-id order.
const std::vector<std::string> kGoalTasks = {
    "open_the_middle_drawer_of_the_cabinet",
    "put_the_bowl_on_the_stove",
    "put_the_wine_bottle_on_top_of_the_cabinet",
    "open_the_top_drawer_and_put_the_bowl_inside",
    "put_the_bowl_on_top_of_the_cabinet",
    "push_the_plate_to_the_front_of_the_stove",
    "put_the_cream_cheese_in_the_bowl",
    "turn_on_the_stove",
    "put_the_bowl_on_the_plate",
    "put_the_wine_bottle_on_the_rack",
};

// libero_10 (LIBERO-Long) in benchmark task-id order; each name carries its scene.
const std::vector<std::string> kLongTasks = {
    "LIVING_ROOM_SCENE2_put_both_the_alphabet_soup_and_the_tomato_sauce_in_the_basket",
    "LIVING_ROOM_SCENE2_put_both_the_cream_cheese_box_and_the_butter_in_the_basket",
    "KITCHEN_SCENE3_turn_on_the_stove_and_put_the_moka_pot_on_it",
    "KITCHEN_SCENE4_put_the_black_bowl_in_the_bottom_drawer_of_the_cabinet_and_close_it",
    "LIVING_ROOM_SCENE5_put_the_white_mug_on_the_left_plate_and_put_the_yellow_and_white_mug_on_the_right_plate",
    "STUDY_SCENE1_pick_up_the_book_and_place_it_in_the_back_compartment_of_the_caddy",
    "LIVING_ROOM_SCENE6_put_the_white_mug_on_the_plate_and_put_the_chocolate_pudding_to_the_right_of_the_plate",
    "LIVING_ROOM_SCENE1_put_both_the_alphabet_soup_and_the_cream_cheese_box_in_the_basket",
    "KITCHEN_SCENE8_put_both_moka_pots_on_the_stove",
    "KITCHEN_SCENE6_put_the_yellow_and_white_mug_in_the_microwave_and_close_it",
};

std::string SuiteTaskPath(const std::string& suite, const std::string& task) {
  return testing::SourceDir() + "/suites/" + suite + "/" + task + ".bddl";
}

std::string SpatialPath(const std::string& task) { return SuiteTaskPath("libero_spatial", task); }

std::string ObjectPath(const std::string& task) { return SuiteTaskPath("libero_object", task); }

// What LIBERO tells the policy for a task: its name with spaces, after
// dropping a scene prefix ("KITCHEN_SCENE3_"); LIBERO cuts at find("SCENE") + 7,
// or + 8 for the two-digit SCENE10.
std::string PolicyInstructionOf(const std::string& task) {
  std::string text = task;
  const size_t scene = text.find("SCENE");
  if (scene != std::string::npos) {
    text = text.substr(scene + (text.compare(scene, 7, "SCENE10") == 0 ? 8 : 7));
  }
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

std::vector<std::string> BddlStemsIn(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".bddl") found.push_back(entry.path().stem().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string OriginalsDir() { return std::string(GAUNTLET_SHARED_REFERENCE_DIR) + "/libero_bddl"; }

std::vector<std::pair<std::string, std::string>> NamesAndCategories(
    const std::vector<BddlInstance>& instances) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const BddlInstance& instance : instances) out.emplace_back(instance.name, instance.category);
  return out;
}

std::vector<std::string> Rendered(const std::vector<BddlAtom>& atoms) {
  std::vector<std::string> out;
  for (const BddlAtom& atom : atoms) {
    std::string text = atom.predicate;
    for (const std::string& arg : atom.args) text += " " + arg;
    out.push_back(text);
  }
  return out;
}

::testing::AssertionResult MessageHas(const std::string& message, const std::string& fragment) {
  if (message.find(fragment) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << message << "' does not contain '" << fragment << "'";
}

// Everything a task file says, compared field by field (line numbers aside).
void ExpectSameTask(const BddlTask& ours, const BddlTask& original) {
  EXPECT_EQ(ours.problem_class, original.problem_class);
  EXPECT_EQ(ours.language, original.language);
  ASSERT_EQ(ours.regions.size(), original.regions.size());
  for (size_t i = 0; i < ours.regions.size(); ++i) {
    SCOPED_TRACE("region " + original.regions[i].name);
    EXPECT_EQ(ours.regions[i].name, original.regions[i].name);
    EXPECT_EQ(ours.regions[i].target, original.regions[i].target);
    // The originals print some bounds with float noise (0.07500000000000001);
    // ours write them plainly.
    ASSERT_EQ(ours.regions[i].ranges.size(), original.regions[i].ranges.size());
    for (size_t r = 0; r < ours.regions[i].ranges.size(); ++r) {
      for (int k = 0; k < 4; ++k) {
        EXPECT_NEAR(ours.regions[i].ranges[r][k], original.regions[i].ranges[r][k], 1e-12);
      }
    }
    EXPECT_EQ(ours.regions[i].yaw_rotations, original.regions[i].yaw_rotations);
  }
  EXPECT_EQ(NamesAndCategories(ours.fixtures), NamesAndCategories(original.fixtures));
  EXPECT_EQ(NamesAndCategories(ours.objects), NamesAndCategories(original.objects));
  EXPECT_EQ(ours.objects_of_interest, original.objects_of_interest);
  EXPECT_EQ(Rendered(ours.init), Rendered(original.init));
  EXPECT_EQ(Rendered(ours.goal), Rendered(original.goal));
}

TEST(BddlSpatialSuite, HoldsExactlyTheTenTasks) {
  std::vector<std::string> expected = kSpatialTasks;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(BddlStemsIn(testing::SourceDir() + "/suites/libero_spatial"), expected);
}

TEST(BddlObjectSuite, HoldsExactlyTheTenTasks) {
  std::vector<std::string> expected = kObjectTasks;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(BddlStemsIn(testing::SourceDir() + "/suites/libero_object"), expected);
}

TEST(BddlGoalSuite, HoldsExactlyTheTenTasks) {
  std::vector<std::string> expected = kGoalTasks;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(BddlStemsIn(testing::SourceDir() + "/suites/libero_goal"), expected);
}

TEST(BddlLongSuite, HoldsExactlyTheTenTasks) {
  std::vector<std::string> expected = kLongTasks;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(BddlStemsIn(testing::SourceDir() + "/suites/libero_10"), expected);
}

// Each task moves its own grocery into the basket, on the floor; six other
// groceries stand in the scene.
TEST(BddlObjectSuite, EveryTaskPutsItsGroceryInTheBasket) {
  for (const std::string& task : kObjectTasks) {
    SCOPED_TRACE(task);
    Result<BddlTask> parsed = LoadBddlFile(ObjectPath(task));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const BddlTask& t = parsed.value();
    EXPECT_EQ(t.problem_class, "LIBERO_Floor_Manipulation");
    const std::string item = task.substr(std::string("pick_up_the_").size(),
                                         task.size() - std::string("pick_up_the_").size() -
                                             std::string("_and_place_it_in_the_basket").size());
    EXPECT_EQ(Rendered(t.goal), (std::vector<std::string>{"in " + item + "_1 basket_1_contain_region"}));
    ASSERT_EQ(t.objects.size(), 7u);
    EXPECT_EQ(t.objects[0].category, item);
    EXPECT_EQ(t.objects[1].category, "basket");
    EXPECT_EQ(NamesAndCategories(t.fixtures),
              (std::vector<std::pair<std::string, std::string>>{{"floor", "floor"}}));
    EXPECT_EQ(t.regions.size(), 8u);
    for (const BddlRegion& region : t.regions) {
      EXPECT_EQ(region.target, region.name == "contain_region" ? "basket_1" : "floor") << region.name;
    }
  }
}

TEST(BddlSpatialSuite, EveryTaskParsesToTheSharedSceneAndGoal) {
  for (const std::string& task : kSpatialTasks) {
    SCOPED_TRACE(task);
    Result<BddlTask> parsed = LoadBddlFile(SpatialPath(task));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const BddlTask& t = parsed.value();
    EXPECT_EQ(t.source, SpatialPath(task));
    EXPECT_EQ(t.problem_class, "LIBERO_Tabletop_Manipulation");
    EXPECT_EQ(t.language.rfind("Pick the akita black bowl ", 0), 0u) << t.language;

    ASSERT_EQ(t.goal.size(), 1u);
    EXPECT_EQ(t.goal[0].predicate, "on");
    EXPECT_EQ(t.goal[0].args, (std::vector<std::string>{"akita_black_bowl_1", "plate_1"}));

    using Pairs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(NamesAndCategories(t.fixtures), (Pairs{{"main_table", "table"},
                                                     {"wooden_cabinet_1", "wooden_cabinet"},
                                                     {"flat_stove_1", "flat_stove"}}));
    EXPECT_EQ(NamesAndCategories(t.objects),
              (Pairs{{"akita_black_bowl_1", "akita_black_bowl"},
                     {"akita_black_bowl_2", "akita_black_bowl"},
                     {"cookies_1", "cookies"},
                     {"glazed_rim_porcelain_ramekin_1", "glazed_rim_porcelain_ramekin"},
                     {"plate_1", "plate"}}));
    EXPECT_EQ(t.objects_of_interest, (std::vector<std::string>{"akita_black_bowl_1", "plate_1"}));

    EXPECT_EQ(t.regions.size(), 16u);
    const BddlRegion* cabinet = t.FindRegion("main_table_cabinet_region");
    ASSERT_NE(cabinet, nullptr);
    ASSERT_EQ(cabinet->yaw_rotations.size(), 1u);
    EXPECT_DOUBLE_EQ(cabinet->yaw_rotations[0][0], 2.6613777765410678);
    EXPECT_DOUBLE_EQ(cabinet->yaw_rotations[0][1], 2.7242096296128633);
    const BddlRegion* plate = t.FindRegion("main_table_plate_region");
    ASSERT_NE(plate, nullptr);
    EXPECT_EQ(plate->ranges, (std::vector<std::array<double, 4>>{{0.05, 0.19, 0.07, 0.21}}));
    EXPECT_TRUE(plate->yaw_rotations.empty());
    const BddlRegion* top = t.FindRegion("wooden_cabinet_1_top_region");
    ASSERT_NE(top, nullptr);
    EXPECT_TRUE(top->ranges.empty());

    // Both bowls and the five other bodies are placed by :init.
    EXPECT_GE(t.init.size(), 7u);
    ASSERT_NE(t.FindInstance("flat_stove_1"), nullptr);
    EXPECT_EQ(t.FindInstance("flat_stove_1")->category, "flat_stove");
    EXPECT_EQ(t.FindInstance("plate_2"), nullptr);
  }
}

TEST(BddlSpatialSuite, TopDrawerTaskOpensTheDrawer) {
  Result<BddlTask> parsed = LoadBddlFile(SpatialPath(kSpatialTasks[4]));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::vector<std::string> init = Rendered(parsed.value().init);
  EXPECT_NE(std::find(init.begin(), init.end(), "open wooden_cabinet_1_top_region"), init.end());
  EXPECT_NE(std::find(init.begin(), init.end(), "in akita_black_bowl_1 wooden_cabinet_1_top_region"),
            init.end());
}

std::vector<fs::path> OriginalFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(OriginalsDir())) {
    if (entry.path().extension() == ".bddl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(BddlCompatibility, ParsesAllFortyOriginalFiles) {
  if (!fs::is_directory(OriginalsDir())) GTEST_SKIP() << "no LIBERO originals at " << OriginalsDir();
  const std::vector<fs::path> files = OriginalFiles();
  EXPECT_EQ(files.size(), 40u);
  for (const fs::path& file : files) {
    Result<BddlTask> parsed = LoadBddlFile(file.string());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_FALSE(parsed.value().goal.empty()) << file;
    EXPECT_FALSE(parsed.value().language.empty()) << file;
  }
}

// Our files for `suite` against LIBERO's, task by task; skips the test when
// the originals are not checked out next to the project.
void ExpectSuiteMatchesOriginals(const std::string& suite, const std::vector<std::string>& tasks) {
  const std::string dir = OriginalsDir() + "/" + suite;
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no LIBERO originals at " << dir;
  for (const std::string& task : tasks) {
    SCOPED_TRACE(task);
    Result<BddlTask> ours = LoadBddlFile(SuiteTaskPath(suite, task));
    Result<BddlTask> original = LoadBddlFile(dir + "/" + task + ".bddl");
    ASSERT_TRUE(ours.ok()) << ours.error().message;
    ASSERT_TRUE(original.ok()) << original.error().message;
    ExpectSameTask(ours.value(), original.value());
  }
}

TEST(BddlCompatibility, OurSpatialFilesSayWhatTheOriginalsSay) {
  ExpectSuiteMatchesOriginals("libero_spatial", kSpatialTasks);
}

TEST(BddlCompatibility, OurObjectFilesSayWhatTheOriginalsSay) {
  ExpectSuiteMatchesOriginals("libero_object", kObjectTasks);
}

TEST(BddlGoalSuite, MatchesLiberosOriginals) { ExpectSuiteMatchesOriginals("libero_goal", kGoalTasks); }

TEST(BddlLongSuite, MatchesLiberosOriginals) { ExpectSuiteMatchesOriginals("libero_10", kLongTasks); }

// The suite file lists the task files in task-id order with LIBERO's policy
// instructions, under the suite's step budget.
void ExpectSuiteFileLists(const std::string& suite, const std::vector<std::string>& tasks,
                          int max_steps) {
  Result<SuiteSpec> loaded = LoadSuite(testing::SourceDir() + "/suites/" + suite + ".yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const SuiteSpec& spec = loaded.value();
  EXPECT_EQ(spec.name, suite);
  EXPECT_EQ(spec.family, "tabletop");
  EXPECT_EQ(spec.protocol.max_steps, max_steps);
  EXPECT_EQ(spec.protocol.settle_steps, 10);
  EXPECT_EQ(spec.protocol.trials, 50);
  ASSERT_EQ(spec.tasks.size(), tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    SCOPED_TRACE(tasks[i]);
    EXPECT_EQ(spec.tasks[i].name, tasks[i]);
    EXPECT_EQ(spec.tasks[i].file, SuiteTaskPath(suite, tasks[i]));
    EXPECT_EQ(spec.tasks[i].instruction, PolicyInstructionOf(tasks[i]));
    EXPECT_EQ(spec.tasks[i].init_states,
              testing::SourceDir() + "/suites/" + suite + "/init_states/" + tasks[i] + ".json");
  }
}

TEST(BddlGoalSuite, SuiteFileListsTheTasksWithTheirInstructions) {
  ExpectSuiteFileLists("libero_goal", kGoalTasks, 300);
}

TEST(BddlLongSuite, SuiteFileListsTheTasksWithTheirInstructions) {
  ExpectSuiteFileLists("libero_10", kLongTasks, 520);
  // No libero_10 task is in a two-digit scene, but the rule must hold for one.
  EXPECT_EQ(PolicyInstructionOf("KITCHEN_SCENE10_close_the_drawer"), "close the drawer");
}

// A small task exercising the dialect; line numbers matter to the tests below.
const char kSource[] = "tasks/example.bddl";
const std::vector<std::string> kExample = {
    /* 1 */ "; an example task (comments may hold ( and ) freely)",
    /* 2 */ "(define (problem LIBERO_Tabletop_Manipulation)",
    /* 3 */ "  (:domain robosuite)",
    /* 4 */ "  (:language Put the  bowl",
    /* 5 */ "     on the plate)",
    /* 6 */ "  (:regions",
    /* 7 */ "    (plate_region (:target main_table) (:ranges ((0.05 0.19 0.07 0.21) (0.1 0.2 0.3 0.4))))",
    /* 8 */ "    (bowl_region (:target main_table) (:ranges ((-0.1 -0.01 -0.05 0.01)))",
    /* 9 */ "      (:yaw_rotation ((0.0 1.5) (3 3.1))))  ; two yaw intervals",
    /* 10 */ "    (top_side (:target wooden_cabinet_1))",
    /* 11 */ "    (cook_region (:target stove_1))  ; a stove this task does not place",
    /* 12 */ "  )",
    /* 13 */ "  (:fixtures main_table - table wooden_cabinet_1 - wooden_cabinet)",
    /* 14 */ "  (:objects bowl_1 bowl_2 - akita_black_bowl plate_1 - plate)",
    /* 15 */ "  (:obj_of_interest bowl_1 plate_1)",
    /* 16 */ "  (:init",
    /* 17 */ "    (On bowl_1 main_table_bowl_region)",
    /* 18 */ "    (on plate_1 main_table_plate_region)",
    /* 19 */ "    (ON bowl_2 wooden_cabinet_1_top_side)",
    /* 20 */ "    (Close wooden_cabinet_1)",
    /* 21 */ "  )",
    /* 22 */ "  (:goal (And (On bowl_1 plate_1) (Open wooden_cabinet_1)))",
    /* 23 */ ")",
};

// The example with line `line` (1-based) replaced; "" blanks it, keeping numbering.
std::string ExampleWith(int line = 0, const std::string& replacement = "") {
  std::string text;
  for (size_t i = 0; i < kExample.size(); ++i) {
    text += static_cast<int>(i + 1) == line ? replacement : kExample[i];
    text += '\n';
  }
  return text;
}

TEST(BddlParser, ReadsEveryConstructOfTheExample) {
  Result<BddlTask> parsed = ParseBddl(ExampleWith(), kSource);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const BddlTask& t = parsed.value();
  EXPECT_EQ(t.source, kSource);
  EXPECT_EQ(t.problem_class, "LIBERO_Tabletop_Manipulation");
  EXPECT_EQ(t.language, "Put the bowl on the plate");

  ASSERT_EQ(t.regions.size(), 4u);
  EXPECT_EQ(t.regions[0].full_name(), "main_table_plate_region");
  EXPECT_EQ(t.regions[0].line, 7);
  EXPECT_EQ(t.regions[0].ranges,
            (std::vector<std::array<double, 4>>{{0.05, 0.19, 0.07, 0.21}, {0.1, 0.2, 0.3, 0.4}}));
  EXPECT_EQ(t.regions[1].yaw_rotations, (std::vector<std::array<double, 2>>{{0.0, 1.5}, {3.0, 3.1}}));
  EXPECT_EQ(t.regions[2].target, "wooden_cabinet_1");
  EXPECT_TRUE(t.regions[2].ranges.empty());
  EXPECT_EQ(t.FindRegion("wooden_cabinet_1_top_side"), &t.regions[2]);
  EXPECT_EQ(t.FindRegion("top_side"), nullptr);

  EXPECT_EQ(NamesAndCategories(t.objects),
            (std::vector<std::pair<std::string, std::string>>{{"bowl_1", "akita_black_bowl"},
                                                              {"bowl_2", "akita_black_bowl"},
                                                              {"plate_1", "plate"}}));
  EXPECT_EQ(t.objects[1].line, 14);
  EXPECT_EQ(t.FindInstance("main_table")->category, "table");
  EXPECT_EQ(t.FindInstance("bowl_2")->category, "akita_black_bowl");

  EXPECT_EQ(Rendered(t.init), (std::vector<std::string>{"on bowl_1 main_table_bowl_region",
                                                        "on plate_1 main_table_plate_region",
                                                        "on bowl_2 wooden_cabinet_1_top_side",
                                                        "close wooden_cabinet_1"}));
  EXPECT_EQ(t.init[3].line, 20);
  EXPECT_EQ(Rendered(t.goal), (std::vector<std::string>{"on bowl_1 plate_1", "open wooden_cabinet_1"}));
  EXPECT_EQ(t.goal[1].line, 22);
}

TEST(BddlParser, AcceptsAGoalThatIsASingleAtom) {
  Result<BddlTask> parsed = ParseBddl(ExampleWith(22, "  (:goal (On bowl_1 plate_1))"), kSource);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(Rendered(parsed.value().goal), (std::vector<std::string>{"on bowl_1 plate_1"}));
}

TEST(BddlParser, AcceptsRgbaAndRequirements) {
  std::string text = ExampleWith(10, "    (top_side (:target wooden_cabinet_1) (:rgba (0 0 1 0.5)))");
  ASSERT_TRUE(ParseBddl(text, kSource).ok());
  text = ExampleWith(3, "  (:domain robosuite) (:requirements)");
  ASSERT_TRUE(ParseBddl(text, kSource).ok());
}

TEST(BddlParser, LoadReportsAMissingFile) {
  Result<BddlTask> parsed = LoadBddlFile("/nonexistent/task.bddl");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(MessageHas(parsed.error().message, "/nonexistent/task.bddl"));
}

struct MalformedCase {
  const char* name;
  int line;                 // line of the example to replace
  const char* replacement;  // its new text
  int error_line;           // the line the message must name
  const char* fragment;     // and a phrase it must contain
};

// Shown by ctest and gtest instead of the struct's raw bytes.
void PrintTo(const MalformedCase& c, std::ostream* out) { *out << c.name; }


class BddlMalformedInput : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(BddlMalformedInput, ReportsSourceAndLine) {
  const MalformedCase& c = GetParam();
  Result<BddlTask> parsed = ParseBddl(ExampleWith(c.line, c.replacement), kSource);
  ASSERT_FALSE(parsed.ok()) << "accepted:\n" << ExampleWith(c.line, c.replacement);
  const std::string& message = parsed.error().message;
  EXPECT_EQ(message.rfind(std::string(kSource) + ":" + std::to_string(c.error_line) + ": ", 0), 0u)
      << message;
  EXPECT_TRUE(MessageHas(message, c.fragment));
}

const MalformedCase kMalformed[] = {
    {"MissingParenOnOneLineRegion", 7,
     "    (plate_region (:target main_table) (:ranges ((0.05 0.19 0.07 0.21) (0.1 0.2 0.3 0.4)))", 7,
     "unbalanced parentheses"},
    {"MissingParenClosingInit", 21, "", 16, "not closed before line 22"},
    {"MissingFinalParen", 23, "", 2, "never closed"},
    {"ExtraParenAtEnd", 23, "))", 23, "without a matching '('"},
    {"RangeWithThreeNumbers", 7, "    (plate_region (:target main_table) (:ranges ((0.05 0.19 0.07))))", 7,
     "needs 4 numbers"},
    {"RangeNotAList", 8, "    (bowl_region (:target main_table) (:ranges -0.1 -0.01 -0.05 0.01)", 8,
     "at least one row"},
    {"RangeUpsideDown", 7, "    (plate_region (:target main_table) (:ranges ((0.07 0.19 0.05 0.21))))", 7,
     "lower bounds before upper bounds"},
    {"YawNotANumber", 9, "      (:yaw_rotation ((0.0 pi/2))))", 9, "expected a number, got 'pi/2'"},
    {"NumberWithTrailingText", 9, "      (:yaw_rotation ((0.0 1.5rad))))", 9, "expected a number"},
    {"UnknownSection", 15, "  (:colors red green)", 15, "unknown section (:colors"},
    {"DuplicateSection", 15, "  (:init)", 16, "given twice (first at line 15)"},
    {"UnknownRegionAttribute", 10, "    (top_side (:target wooden_cabinet_1) (:colour red))", 10,
     "unknown region attribute (:colour"},
    {"RegionWithoutTarget", 10, "    (top_side)", 10, "no (:target"},
    {"DashWithoutCategory", 14, "  (:objects bowl_1 bowl_2 - akita_black_bowl plate_1 -)", 14,
     "'-' without a category"},
    {"NameWithoutCategory", 14, "  (:objects bowl_1 bowl_2 - akita_black_bowl plate_1)", 14,
     "'plate_1' has no category"},
    {"DashWithoutNames", 14, "  (:objects - akita_black_bowl)", 14, "no names before it"},
    {"DuplicateInstance", 14, "  (:objects bowl_1 main_table - akita_black_bowl plate_1 - plate)", 14,
     "'main_table' is declared twice (first at line 13)"},
    {"UndeclaredObjectInGoal", 22, "  (:goal (And (On bowl_1 plate_1) (On mug_1 plate_1)))", 22,
     "'mug_1' in (on mug_1 plate_1) is not a declared"},
    {"UndeclaredRegionInInit", 17, "    (On bowl_1 main_table_shelf_region)", 17,
     "'main_table_shelf_region'"},
    {"RegionOfUndeclaredTarget", 18, "    (On plate_1 stove_1_cook_region)", 18,
     "belongs to 'stove_1', which is not a declared"},
    {"UndeclaredObjectOfInterest", 15, "  (:obj_of_interest bowl_1 mug_1)", 15, "'mug_1'"},
    {"GoalDisjunction", 22, "  (:goal (Or (On bowl_1 plate_1) (On bowl_2 plate_1)))", 22,
     "conjunction of atoms"},
    {"GoalNestedAnd", 22, "  (:goal (And (On bowl_1 plate_1) (And (On bowl_2 plate_1))))", 22,
     "conjunction of atoms"},
    {"GoalEmptyAnd", 22, "  (:goal (And))", 22, "has no atoms"},
    {"GoalTwoConditions", 22, "  (:goal (On bowl_1 plate_1) (On bowl_2 plate_1))", 22, "one condition"},
    {"MissingGoal", 22, "", 2, "missing section (:goal"},
    {"InitEntryNotAnAtom", 20, "    Close", 20, "must be an atom"},
    {"OtherDomain", 3, "  (:domain pddl)", 3, "(:domain robosuite)"},
    {"NotADefine", 2, "(problem_file (problem LIBERO_Tabletop_Manipulation)", 2, "expected (define"},
};

INSTANTIATE_TEST_SUITE_P(BddlMalformed, BddlMalformedInput, ::testing::ValuesIn(kMalformed),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(BddlParser, ReportsEmptyInput) {
  Result<BddlTask> parsed = ParseBddl("; nothing but a comment\n", kSource);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(MessageHas(parsed.error().message, "tasks/example.bddl:1: "));
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
