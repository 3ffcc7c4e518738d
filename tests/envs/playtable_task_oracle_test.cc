// CALVIN's success rules on hand-built snapshots: every task has a success,
// and each rule's thresholds and contact conditions have near misses on both
// sides (calvin.md §A.3).
#include "envs/playtable/task_oracle.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace gauntlet::envs::playtable {
namespace {

const PlaytableTask& Task(const std::string& name) {
  const PlaytableTask* task = FindPlaytableTask(name);
  if (task == nullptr) throw std::invalid_argument("no playtable task " + name);
  return *task;
}

// The reason of a failure is part of the message, so a broken case says which
// condition stopped it.
::testing::AssertionResult Succeeds(const std::string& name, const SceneInfo& start,
                                    const SceneInfo& now) {
  std::string why_not;
  if (TaskSucceeded(Task(name), start, now, &why_not)) {
    return ::testing::AssertionSuccess() << name << " succeeded";
  }
  return ::testing::AssertionFailure() << name << " failed: " << why_not;
}

// Orientation R = Rz(z) Ry(y) Rx(x) (extrinsic x, then y, then z), degrees,
// as (w, x, y, z).
Eigen::Quaterniond ExtrinsicXyz(double x, double y, double z) {
  const double r = EIGEN_PI / 180.0;
  return Eigen::AngleAxisd(z * r, Eigen::Vector3d::UnitZ()) *
         Eigen::AngleAxisd(y * r, Eigen::Vector3d::UnitY()) *
         Eigen::AngleAxisd(x * r, Eigen::Vector3d::UnitX());
}
std::array<double, 4> Wxyz(const Eigen::Quaterniond& q) { return {q.w(), q.x(), q.y(), q.z()}; }
Eigen::Quaterniond FromWxyz(const std::array<double, 4>& q) { return {q[0], q[1], q[2], q[3]}; }

// Contacts in a real snapshot are symmetric; these keep them so.
void Touch(SceneInfo& scene, int block, ContactRef other) {
  scene.blocks[block].contacts.insert(other);
  if (other.kind == ContactRef::Kind::kRobot) {
    scene.robot_contacts.insert(ContactRef::OfBlock(block));
  }
  if (other.kind == ContactRef::Kind::kBlock) {
    scene.blocks[other.index].contacts.insert(ContactRef::OfBlock(block));
  }
}
void Release(SceneInfo& scene, int block) {
  for (const ContactRef& other : scene.blocks[block].contacts) {
    if (other.kind == ContactRef::Kind::kRobot) {
      scene.robot_contacts.erase(ContactRef::OfBlock(block));
    }
    if (other.kind == ContactRef::Kind::kBlock) {
      scene.blocks[other.index].contacts.erase(ContactRef::OfBlock(block));
    }
  }
  scene.blocks[block].contacts.clear();
}
void PutOn(SceneInfo& scene, int block, DeskLink link) {
  Release(scene, block);
  Touch(scene, block, ContactRef::OfDesk(link));
}
void Hold(SceneInfo& scene, int block) {
  Release(scene, block);
  Touch(scene, block, ContactRef::Robot());
}

const ContactRef kRobot = ContactRef::Robot();
ContactRef Desk(DeskLink link) { return ContactRef::OfDesk(link); }

// Red and blue on the desk top, pink on the shelf, each turned 90 degrees
// about z like CALVIN's start scenes; the robot touches nothing.
SceneInfo RestingScene() {
  SceneInfo scene;
  const std::array<std::array<double, 3>, kBlockCount> positions = {
      {{0.05, -0.12, 0.46}, {0.23, -0.12, 0.46}, {0.07, 0.09, 0.46}}};
  for (int b = 0; b < kBlockCount; ++b) {
    scene.blocks[b].position = positions[b];
    scene.blocks[b].orientation = Wxyz(ExtrinsicXyz(0, 0, 90));
  }
  PutOn(scene, kRed, DeskLink::kBase);
  PutOn(scene, kBlue, DeskLink::kBase);
  PutOn(scene, kPink, DeskLink::kPlank);
  return scene;
}

void TurnWorld(BlockInfo& block, double x, double y, double z) {
  block.orientation = Wxyz(ExtrinsicXyz(x, y, z) * FromWxyz(block.orientation));
}

DeskLink LiftLink(TaskKind kind) {
  if (kind == TaskKind::kLiftFromSlider) return DeskLink::kPlank;
  if (kind == TaskKind::kLiftFromDrawer) return DeskLink::kDrawer;
  return DeskLink::kBase;
}

// A clear success of `task`; the near misses below each change one thing.
struct Case {
  SceneInfo start;
  SceneInfo now;
};
Case SuccessCase(const PlaytableTask& task) {
  Case c{RestingScene(), RestingScene()};
  const int b = task.block;
  switch (task.kind) {
    case TaskKind::kRotateRight:
    case TaskKind::kRotateLeft:
      TurnWorld(c.now.blocks[b], 0, 0, task.kind == TaskKind::kRotateLeft ? 90 : -90);
      c.now.blocks[b].position[0] += 0.02;
      break;
    case TaskKind::kPushRight:
    case TaskKind::kPushLeft:
      c.now.blocks[b].position[0] += task.kind == TaskKind::kPushRight ? 0.15 : -0.15;
      break;
    case TaskKind::kMoveSliderLeft: c.now.slide_position = 0.28; break;
    case TaskKind::kMoveSliderRight: c.start.slide_position = 0.28; break;
    case TaskKind::kOpenDrawer: c.now.drawer_position = 0.22; break;
    case TaskKind::kCloseDrawer: c.start.drawer_position = 0.22; break;
    case TaskKind::kLiftFromTable:
    case TaskKind::kLiftFromSlider:
    case TaskKind::kLiftFromDrawer:
      PutOn(c.start, b, LiftLink(task.kind));
      c.now = c.start;
      Hold(c.now, b);
      c.now.blocks[b].position[2] += 0.10;
      break;
    case TaskKind::kPlaceInSlider:
    case TaskKind::kPlaceInDrawer:
      Hold(c.start, kRed);
      c.start.blocks[kRed].position[2] = 0.60;
      c.now = c.start;
      PutOn(c.now, kRed,
            task.kind == TaskKind::kPlaceInSlider ? DeskLink::kPlank : DeskLink::kDrawer);
      break;
    case TaskKind::kStack:
      Hold(c.start, kRed);
      c.start.blocks[kRed].position = {0.23, -0.12, 0.60};
      c.now = c.start;
      Release(c.now, kRed);
      Touch(c.now, kRed, ContactRef::OfBlock(kBlue));
      c.now.blocks[kRed].position[2] = 0.50;
      break;
    case TaskKind::kUnstack:
      Release(c.start, kRed);
      Touch(c.start, kRed, ContactRef::OfBlock(kBlue));
      c.start.blocks[kRed].position = {0.23, -0.12, 0.50};
      c.now = c.start;
      Hold(c.now, kRed);
      c.now.blocks[kRed].position[2] = 0.58;
      break;
    case TaskKind::kTurnOnLightbulb: c.now.lightbulb = 1; break;
    case TaskKind::kTurnOffLightbulb: c.start.lightbulb = 1; break;
    case TaskKind::kTurnOnLed: c.now.led = 1; break;
    case TaskKind::kTurnOffLed: c.start.led = 1; break;
    case TaskKind::kPushIntoDrawer:
      c.start.drawer_position = c.now.drawer_position = 0.22;
      PutOn(c.now, kBlue, DeskLink::kDrawer);
      c.now.blocks[kBlue].position = {0.2, -0.2, 0.35};
      break;
  }
  return c;
}

TEST(PlaytableTaskOracleTest, EveryTaskHasASuccessAndNeedsAChange) {
  ASSERT_EQ(PlaytableTasks().size(), 34u);
  for (const PlaytableTask& task : PlaytableTasks()) {
    const Case c = SuccessCase(task);
    EXPECT_TRUE(Succeeds(task.name, c.start, c.now));
    EXPECT_FALSE(Succeeds(task.name, c.start, c.start)) << "nothing happened";
  }
}

// The environment tests only the commanded task; the rules are narrow enough
// that opening the drawer satisfies no other task either.
TEST(PlaytableTaskOracleTest, OnlyTheCommandedTaskIsTested) {
  const Case c = SuccessCase(Task("open_drawer"));
  EXPECT_TRUE(Succeeds("open_drawer", c.start, c.now));
  for (const PlaytableTask& task : PlaytableTasks()) {
    if (task.name != "open_drawer") {
      EXPECT_FALSE(Succeeds(task.name, c.start, c.now));
    }
  }
}

// --- rotation convention -------------------------------------------------

TEST(PlaytableTaskOracleTest, RelativeRotationIsExtrinsicXyzInTheWorldFrame) {
  // By construction: R = Rz(c) Ry(b) Rx(a) reads back as (a, b, c).
  for (const auto& abc : std::vector<std::array<double, 3>>{
           {20, -15, 70}, {-10, 25, -120}, {0, 0, 175}, {5, 80, -5}, {-170, 10, 30}}) {
    const auto got =
        RelativeRotationDegrees({1, 0, 0, 0}, Wxyz(ExtrinsicXyz(abc[0], abc[1], abc[2])));
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[i], abc[i], 1e-9) << "angle " << i;
  }
  // Relative in the world frame: R_end * R_start^-1, whatever the start pose.
  const Eigen::Quaterniond start = ExtrinsicXyz(10, -20, 100);
  const Eigen::Quaterniond end = ExtrinsicXyz(3, 4, 65) * start;
  const auto got = RelativeRotationDegrees(Wxyz(start), Wxyz(end));
  EXPECT_NEAR(got[0], 3, 1e-9);
  EXPECT_NEAR(got[1], 4, 1e-9);
  EXPECT_NEAR(got[2], 65, 1e-9);
  // A block-frame (intrinsic) turn of a tilted block is not the same rotation:
  // turning about its own z tilts it about world x and y.
  const auto body = RelativeRotationDegrees(Wxyz(start), Wxyz(start * ExtrinsicXyz(0, 0, 65)));
  EXPECT_GT(std::abs(body[0]) + std::abs(body[1]), 1.0);
  // Unnormalised quaternions describe the same rotation.
  const auto scaled = RelativeRotationDegrees({2, 0, 0, 0}, {0.5 * end.w(), 0.5 * end.x(),
                                                             0.5 * end.y(), 0.5 * end.z()});
  const auto plain = RelativeRotationDegrees({1, 0, 0, 0}, Wxyz(end));
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(scaled[i], plain[i], 1e-9);
}

// --- rotate ----------------------------------------------------------------

TEST(PlaytableTaskOracleTest, RotateNeedsMoreThanSixtyDegreesInTheCommandedDirection) {
  Case c = SuccessCase(Task("rotate_red_block_left"));
  c.now.blocks[kRed].orientation = c.start.blocks[kRed].orientation;
  TurnWorld(c.now.blocks[kRed], 0, 0, 59);
  EXPECT_FALSE(Succeeds("rotate_red_block_left", c.start, c.now));
  TurnWorld(c.now.blocks[kRed], 0, 0, 2);  // 61
  EXPECT_TRUE(Succeeds("rotate_red_block_left", c.start, c.now));
  EXPECT_FALSE(Succeeds("rotate_red_block_right", c.start, c.now));
  EXPECT_FALSE(Succeeds("rotate_blue_block_left", c.start, c.now)) << "another block";

  c.now.blocks[kRed].orientation = c.start.blocks[kRed].orientation;
  TurnWorld(c.now.blocks[kRed], 0, 0, -59);
  EXPECT_FALSE(Succeeds("rotate_red_block_right", c.start, c.now));
  TurnWorld(c.now.blocks[kRed], 0, 0, -2);  // -61
  EXPECT_TRUE(Succeeds("rotate_red_block_right", c.start, c.now));
  EXPECT_FALSE(Succeeds("rotate_red_block_left", c.start, c.now));

  TurnWorld(c.now.blocks[kRed], 0, 0, -120);  // -181 reads as +179: a left turn
  EXPECT_FALSE(Succeeds("rotate_red_block_right", c.start, c.now));
  EXPECT_TRUE(Succeeds("rotate_red_block_left", c.start, c.now));
}

TEST(PlaytableTaskOracleTest, RotateFailsWhenTheBlockTipsOver) {
  Case c = SuccessCase(Task("rotate_blue_block_left"));
  c.now.blocks[kBlue].orientation = c.start.blocks[kBlue].orientation;
  TurnWorld(c.now.blocks[kBlue], 29, 0, 90);
  EXPECT_TRUE(Succeeds("rotate_blue_block_left", c.start, c.now));
  c.now.blocks[kBlue].orientation = c.start.blocks[kBlue].orientation;
  TurnWorld(c.now.blocks[kBlue], 31, 0, 90);
  EXPECT_FALSE(Succeeds("rotate_blue_block_left", c.start, c.now));
  c.now.blocks[kBlue].orientation = c.start.blocks[kBlue].orientation;
  TurnWorld(c.now.blocks[kBlue], -31, 0, 90);
  EXPECT_FALSE(Succeeds("rotate_blue_block_left", c.start, c.now));
  c.now.blocks[kBlue].orientation = c.start.blocks[kBlue].orientation;
  TurnWorld(c.now.blocks[kBlue], 0, 31, 90);
  EXPECT_FALSE(Succeeds("rotate_blue_block_left", c.start, c.now));
}

TEST(PlaytableTaskOracleTest, RotateFailsWhenTheBlockTravels) {
  Case c = SuccessCase(Task("rotate_pink_block_right"));
  c.now.blocks[kPink].position = c.start.blocks[kPink].position;
  c.now.blocks[kPink].position[0] += 0.06;
  c.now.blocks[kPink].position[1] += 0.07;  // 0.092 m
  EXPECT_TRUE(Succeeds("rotate_pink_block_right", c.start, c.now));
  c.now.blocks[kPink].position[2] += 0.05;  // 0.104 m
  EXPECT_FALSE(Succeeds("rotate_pink_block_right", c.start, c.now));
}

TEST(PlaytableTaskOracleTest, RotateFailsWhenTheBlockRestsOnlyOnTheRobot) {
  Case c = SuccessCase(Task("rotate_red_block_right"));
  Hold(c.now, kRed);
  EXPECT_FALSE(Succeeds("rotate_red_block_right", c.start, c.now));
  Touch(c.now, kRed, Desk(DeskLink::kBase));  // still in the gripper, but resting
  EXPECT_TRUE(Succeeds("rotate_red_block_right", c.start, c.now));
  Release(c.now, kRed);  // touching nothing at all
  EXPECT_FALSE(Succeeds("rotate_red_block_right", c.start, c.now));
}

// --- push ------------------------------------------------------------------

TEST(PlaytableTaskOracleTest, PushNeedsMoreThanTenCentimetresAlongX) {
  Case c = SuccessCase(Task("push_red_block_right"));
  c.now.blocks[kRed].position[0] = c.start.blocks[kRed].position[0] + 0.09;
  std::string why_not;
  EXPECT_FALSE(TaskSucceeded(Task("push_red_block_right"), c.start, c.now, &why_not));
  EXPECT_NE(why_not.find("0.090"), std::string::npos) << why_not;
  c.now.blocks[kRed].position[0] = c.start.blocks[kRed].position[0] + 0.11;
  EXPECT_TRUE(Succeeds("push_red_block_right", c.start, c.now));
  EXPECT_FALSE(Succeeds("push_red_block_left", c.start, c.now));

  c.now.blocks[kRed].position[0] = c.start.blocks[kRed].position[0] - 0.11;
  EXPECT_TRUE(Succeeds("push_red_block_left", c.start, c.now));
  EXPECT_FALSE(Succeeds("push_red_block_right", c.start, c.now));

  // Only x counts: a push along y does not.
  c.now.blocks[kRed].position = c.start.blocks[kRed].position;
  c.now.blocks[kRed].position[1] += 0.2;
  EXPECT_FALSE(Succeeds("push_red_block_right", c.start, c.now));
}

TEST(PlaytableTaskOracleTest, PushMustKeepTheSurfacesItStartedOn) {
  const Case base = SuccessCase(Task("push_blue_block_left"));
  {  // lifted off the table: it touches only the robot now
    Case c = base;
    Hold(c.now, kBlue);
    EXPECT_FALSE(Succeeds("push_blue_block_left", c.start, c.now));
  }
  {  // fell off the desk top onto the shelf
    Case c = base;
    PutOn(c.now, kBlue, DeskLink::kPlank);
    EXPECT_FALSE(Succeeds("push_blue_block_left", c.start, c.now));
  }
  {  // started against red as well and lost it
    Case c = base;
    Touch(c.start, kBlue, ContactRef::OfBlock(kRed));
    EXPECT_FALSE(Succeeds("push_blue_block_left", c.start, c.now));
    Touch(c.now, kBlue, ContactRef::OfBlock(kRed));
    EXPECT_TRUE(Succeeds("push_blue_block_left", c.start, c.now));
  }
  {  // gaining a surface is fine, and the robot never counts
    Case c = base;
    Touch(c.start, kBlue, kRobot);
    Touch(c.now, kBlue, kRobot);
    Touch(c.now, kBlue, ContactRef::OfBlock(kPink));
    EXPECT_TRUE(Succeeds("push_blue_block_left", c.start, c.now));
  }
  {  // it must touch something besides the robot at start
    Case c = base;
    Hold(c.start, kBlue);
    Touch(c.now, kBlue, kRobot);
    EXPECT_FALSE(Succeeds("push_blue_block_left", c.start, c.now));
  }
}

// --- lift ------------------------------------------------------------------

TEST(PlaytableTaskOracleTest, LiftNeedsTheRobotAloneToHoldTheBlock) {
  Case c = SuccessCase(Task("lift_red_block_table"));
  Touch(c.now, kRed, Desk(DeskLink::kBase));  // still touching the table
  EXPECT_FALSE(Succeeds("lift_red_block_table", c.start, c.now));
  Release(c.now, kRed);
  Touch(c.now, kRed, Desk(DeskLink::kSlide));  // resting on the door: not the robot
  EXPECT_FALSE(Succeeds("lift_red_block_table", c.start, c.now));
  Hold(c.now, kRed);
  Touch(c.now, kRed, ContactRef::OfBlock(kBlue));  // knocking another block
  EXPECT_FALSE(Succeeds("lift_red_block_table", c.start, c.now));
  Hold(c.now, kRed);
  EXPECT_TRUE(Succeeds("lift_red_block_table", c.start, c.now));
  // CALVIN does not ask that the robot let go in between: a block held at
  // start (still on the table) counts.
  Touch(c.start, kRed, kRobot);
  EXPECT_TRUE(Succeeds("lift_red_block_table", c.start, c.now));
}

TEST(PlaytableTaskOracleTest, LiftHeightDependsOnWhereTheBlockStarted) {
  Case table = SuccessCase(Task("lift_blue_block_table"));
  table.now.blocks[kBlue].position[2] = table.start.blocks[kBlue].position[2] + 0.04;
  EXPECT_FALSE(Succeeds("lift_blue_block_table", table.start, table.now));
  table.now.blocks[kBlue].position[2] = table.start.blocks[kBlue].position[2] + 0.06;
  EXPECT_TRUE(Succeeds("lift_blue_block_table", table.start, table.now));

  Case slider = SuccessCase(Task("lift_blue_block_slider"));
  slider.now.blocks[kBlue].position[2] = slider.start.blocks[kBlue].position[2] + 0.04;
  EXPECT_TRUE(Succeeds("lift_blue_block_slider", slider.start, slider.now));
  slider.now.blocks[kBlue].position[2] = slider.start.blocks[kBlue].position[2] + 0.02;
  EXPECT_FALSE(Succeeds("lift_blue_block_slider", slider.start, slider.now));

  Case drawer = SuccessCase(Task("lift_blue_block_drawer"));
  drawer.now.blocks[kBlue].position[2] = drawer.start.blocks[kBlue].position[2] + 0.04;
  EXPECT_FALSE(Succeeds("lift_blue_block_drawer", drawer.start, drawer.now));
  drawer.now.blocks[kBlue].position[2] = drawer.start.blocks[kBlue].position[2] + 0.06;
  EXPECT_TRUE(Succeeds("lift_blue_block_drawer", drawer.start, drawer.now));
}

TEST(PlaytableTaskOracleTest, LiftFailsFromTheWrongSurface) {
  const Case table = SuccessCase(Task("lift_pink_block_table"));
  EXPECT_FALSE(Succeeds("lift_pink_block_slider", table.start, table.now));
  EXPECT_FALSE(Succeeds("lift_pink_block_drawer", table.start, table.now));
  EXPECT_FALSE(Succeeds("lift_red_block_table", table.start, table.now)) << "another block";
  const Case slider = SuccessCase(Task("lift_pink_block_slider"));
  EXPECT_FALSE(Succeeds("lift_pink_block_table", slider.start, slider.now));
  const Case drawer = SuccessCase(Task("lift_pink_block_drawer"));
  EXPECT_FALSE(Succeeds("lift_pink_block_slider", drawer.start, drawer.now));
  // The start surface only has to be among the start contacts.
  Case leaning = table;
  Touch(leaning.start, kPink, Desk(DeskLink::kPlank));
  EXPECT_TRUE(Succeeds("lift_pink_block_table", leaning.start, leaning.now));
  EXPECT_TRUE(Succeeds("lift_pink_block_slider", leaning.start, leaning.now));
}

// --- place -----------------------------------------------------------------

TEST(PlaytableTaskOracleTest, PlaceNeedsTheHeldBlockReleasedOnTheLink) {
  const Case slider = SuccessCase(Task("place_in_slider"));
  EXPECT_FALSE(Succeeds("place_in_drawer", slider.start, slider.now)) << "wrong link";
  {  // still in the gripper
    Case c = slider;
    Touch(c.now, kRed, kRobot);
    EXPECT_FALSE(Succeeds("place_in_slider", c.start, c.now));
  }
  {  // not held in the air at start: it already touched the desk
    Case c = slider;
    Touch(c.start, kRed, Desk(DeskLink::kBase));
    EXPECT_FALSE(Succeeds("place_in_slider", c.start, c.now));
  }
  {  // not held at all at start
    Case c = slider;
    PutOn(c.start, kRed, DeskLink::kBase);
    EXPECT_FALSE(Succeeds("place_in_slider", c.start, c.now));
  }
  {  // the robot touched the desk too at start: not exactly one thing
    Case c = slider;
    c.start.robot_contacts.insert(Desk(DeskLink::kSlide));
    EXPECT_FALSE(Succeeds("place_in_slider", c.start, c.now));
  }
  {  // the robot touched only the desk at start
    Case c = slider;
    Release(c.start, kRed);
    c.start.robot_contacts.insert(Desk(DeskLink::kPlank));
    EXPECT_FALSE(Succeeds("place_in_slider", c.start, c.now));
  }
  {  // after letting go the robot may touch something else
    Case c = slider;
    c.now.robot_contacts.insert(Desk(DeskLink::kPlank));
    EXPECT_TRUE(Succeeds("place_in_slider", c.start, c.now));
  }
  const Case drawer = SuccessCase(Task("place_in_drawer"));
  EXPECT_FALSE(Succeeds("place_in_slider", drawer.start, drawer.now)) << "wrong link";
}

// --- stack / unstack ---------------------------------------------------------

TEST(PlaytableTaskOracleTest, StackNeedsASettledBlockOnBlocksOnly) {
  const Case base = SuccessCase(Task("stack_block"));
  for (int i = 0; i < 6; ++i) {
    Case c = base;
    std::array<double, 3>& v = i < 3 ? c.now.blocks[kRed].linear_velocity
                                     : c.now.blocks[kRed].angular_velocity;
    v[i % 3] = 0.9;
    EXPECT_TRUE(Succeeds("stack_block", c.start, c.now)) << "component " << i;
    v[i % 3] = -1.2;
    EXPECT_FALSE(Succeeds("stack_block", c.start, c.now)) << "component " << i;
    v[i % 3] = 1.0;  // |v| < 1 is strict
    EXPECT_FALSE(Succeeds("stack_block", c.start, c.now)) << "component " << i;
  }
  {  // resting on a block and the table
    Case c = base;
    Touch(c.now, kRed, Desk(DeskLink::kBase));
    EXPECT_FALSE(Succeeds("stack_block", c.start, c.now));
  }
  {  // still in the gripper
    Case c = base;
    Touch(c.now, kRed, kRobot);
    EXPECT_FALSE(Succeeds("stack_block", c.start, c.now));
  }
  {  // already touched a block at start
    Case c = base;
    Touch(c.start, kRed, ContactRef::OfBlock(kPink));
    EXPECT_FALSE(Succeeds("stack_block", c.start, c.now));
  }
  {  // on two blocks
    Case c = base;
    Touch(c.now, kRed, ContactRef::OfBlock(kPink));
    EXPECT_TRUE(Succeeds("stack_block", c.start, c.now));
  }
}

TEST(PlaytableTaskOracleTest, UnstackNeedsASettledStackThatComesApart) {
  const Case base = SuccessCase(Task("unstack_block"));
  {  // the top block is put down on the table
    Case c = base;
    PutOn(c.now, kRed, DeskLink::kBase);
    EXPECT_TRUE(Succeeds("unstack_block", c.start, c.now));
  }
  {  // still touching the bottom block
    Case c = base;
    Touch(c.now, kRed, ContactRef::OfBlock(kBlue));
    EXPECT_FALSE(Succeeds("unstack_block", c.start, c.now));
  }
  {  // the stack was moving at start
    Case c = base;
    c.start.blocks[kRed].angular_velocity[2] = 1.2;
    EXPECT_FALSE(Succeeds("unstack_block", c.start, c.now));
    c.start.blocks[kRed].angular_velocity[2] = 0.9;
    c.now.blocks[kRed].linear_velocity[2] = 3.0;  // only the start speed counts
    EXPECT_TRUE(Succeeds("unstack_block", c.start, c.now));
  }
  {  // at start the top block also touched the table: not stacked
    Case c = base;
    Touch(c.start, kRed, Desk(DeskLink::kBase));
    EXPECT_FALSE(Succeeds("unstack_block", c.start, c.now));
  }
  {  // at start the top block was in the gripper: not only blocks
    Case c = base;
    Touch(c.start, kRed, kRobot);
    EXPECT_FALSE(Succeeds("unstack_block", c.start, c.now));
  }
}

// --- slider and drawer -------------------------------------------------------

TEST(PlaytableTaskOracleTest, DoorsNeedTheirDistanceInTheirDirection) {
  SceneInfo start = RestingScene();
  start.slide_position = 0.05;
  start.drawer_position = 0.05;
  SceneInfo now = start;
  now.slide_position = start.slide_position + 0.14;
  EXPECT_FALSE(Succeeds("move_slider_left", start, now));
  now.slide_position = start.slide_position + 0.16;
  EXPECT_TRUE(Succeeds("move_slider_left", start, now));
  EXPECT_FALSE(Succeeds("move_slider_right", start, now));
  now.slide_position = start.slide_position - 0.16;
  EXPECT_TRUE(Succeeds("move_slider_right", start, now));
  EXPECT_FALSE(Succeeds("move_slider_left", start, now));
  now.slide_position = start.slide_position - 0.14;
  EXPECT_FALSE(Succeeds("move_slider_right", start, now));

  now.drawer_position = start.drawer_position + 0.11;
  EXPECT_FALSE(Succeeds("open_drawer", start, now));
  now.drawer_position = start.drawer_position + 0.13;
  EXPECT_TRUE(Succeeds("open_drawer", start, now));
  EXPECT_FALSE(Succeeds("close_drawer", start, now));
  now.drawer_position = start.drawer_position - 0.13;
  EXPECT_TRUE(Succeeds("close_drawer", start, now));
  EXPECT_FALSE(Succeeds("open_drawer", start, now));
  now.drawer_position = start.drawer_position - 0.11;
  EXPECT_FALSE(Succeeds("close_drawer", start, now));
}

// --- lights ------------------------------------------------------------------

TEST(PlaytableTaskOracleTest, LightsNeedTheirStartAndEndState) {
  SceneInfo start = RestingScene();
  SceneInfo now = start;
  for (int s0 = 0; s0 <= 1; ++s0) {
    for (int s1 = 0; s1 <= 1; ++s1) {
      start.lightbulb = start.led = s0;
      now.lightbulb = now.led = s1;
      const bool on = s0 == 0 && s1 == 1;
      const bool off = s0 == 1 && s1 == 0;
      EXPECT_EQ(TaskSucceeded(Task("turn_on_lightbulb"), start, now), on) << s0 << "->" << s1;
      EXPECT_EQ(TaskSucceeded(Task("turn_off_lightbulb"), start, now), off) << s0 << "->" << s1;
      EXPECT_EQ(TaskSucceeded(Task("turn_on_led"), start, now), on) << s0 << "->" << s1;
      EXPECT_EQ(TaskSucceeded(Task("turn_off_led"), start, now), off) << s0 << "->" << s1;
    }
  }
  // The bulb and the LED are separate lights.
  start.lightbulb = start.led = 0;
  now.lightbulb = 1;
  now.led = 0;
  EXPECT_TRUE(Succeeds("turn_on_lightbulb", start, now));
  EXPECT_FALSE(Succeeds("turn_on_led", start, now));
}

// --- push into drawer --------------------------------------------------------

TEST(PlaytableTaskOracleTest, PushIntoDrawerNeedsABlockFromTheDeskTopAlone) {
  const Case base = SuccessCase(Task("push_into_drawer"));
  {  // any block counts
    Case c = base;
    c.now = c.start;
    PutOn(c.now, kRed, DeskLink::kDrawer);
    EXPECT_TRUE(Succeeds("push_into_drawer", c.start, c.now));
  }
  {  // the robot held it at start
    Case c = base;
    Touch(c.start, kBlue, kRobot);
    Touch(c.start, kRed, kRobot);
    EXPECT_FALSE(Succeeds("push_into_drawer", c.start, c.now));
  }
  {  // it leant on another block at start
    Case c = base;
    Touch(c.start, kBlue, ContactRef::OfBlock(kRed));
    Touch(c.start, kRed, ContactRef::OfBlock(kPink));
    EXPECT_FALSE(Succeeds("push_into_drawer", c.start, c.now));
  }
  {  // it started on the shelf
    Case c = base;
    PutOn(c.start, kBlue, DeskLink::kPlank);
    EXPECT_FALSE(Succeeds("push_into_drawer", c.start, c.now));
  }
  {  // it did not reach the drawer
    Case c = base;
    PutOn(c.now, kBlue, DeskLink::kSlide);
    EXPECT_FALSE(Succeeds("push_into_drawer", c.start, c.now));
  }
  {  // CALVIN's robot test at the end never fires (it compares the robot's id
     // with (body, link) pairs): a robot touching the block in the drawer passes.
    Case c = base;
    Touch(c.now, kBlue, kRobot);
    EXPECT_TRUE(Succeeds("push_into_drawer", c.start, c.now));
  }
}

}  // namespace
}  // namespace gauntlet::envs::playtable
