// Each dual-arm task's success rule on real compiled scenes: true on a pose
// built to succeed, false on near misses just outside each threshold (one per
// clause), and false where every episode starts. Two free probe bodies stand
// in for the grippers (their TCP sites and their contacts); objects are put
// in place by writing qpos, then mj_forward.
#include "envs/dualarm/task_success.h"

#include <gtest/gtest.h>

#include <cmath>

#include "envs/dualarm/workspace_scene.h"

namespace gauntlet::envs::dualarm {
namespace {

using V3 = std::array<double, 3>;
constexpr double kProbeRadius = 0.008;

RobotMjcf Probes() {
  RobotMjcf r;
  for (const char* side : {"left", "right"}) {
    const std::string s = side;
    r.worldbody += "<body name=\"" + s + "_probe\" pos=\"" + (s == "left" ? "-0.5" : "0.5") +
                   " -0.5 1.3\"><freejoint name=\"" + s + "_probe_joint\"/><geom type=\"sphere\" size=\"" +
                   std::to_string(kProbeRadius) + "\"/><site name=\"" + s + "_tcp\"/></body>\n";
  }
  return r;
}

RobotBinding ProbeBinding() { return {{"left_tcp", {"left_probe"}}, {"right_tcp", {"right_probe"}}}; }

class SuccessScene {
 public:
  SuccessScene(const std::string& task, std::uint64_t seed) {
    layout_ = SampleLayout(task, seed).value();
    const WorkspaceDraw draw = DrawWorkspace(WorkspaceSetting::kClean, seed, TextureSet::kSeen, layout_);
    top_ = draw.table_top_z();
    auto model = CompileScene(layout_, draw, Probes(), SceneOptions{});
    GAUNTLET_CHECK(model.ok(), model.error().message);
    model_ = std::move(model).value();
    data_ = MakeData(model_.get());
    GAUNTLET_CHECK(WriteLayoutState(model_.get(), data_.get(), layout_, top_).ok(), "layout state");
    auto rule = SuccessRule::Compile(model_.get(), layout_, ProbeBinding());
    GAUNTLET_CHECK(rule.ok(), rule.ok() ? "" : rule.error().message);
    rule_.emplace(std::move(rule).value());
  }

  const TaskLayout& layout() const { return layout_; }
  double top() const { return top_; }
  const mjModel* m() const { return model_.get(); }
  mjData* d() { return data_.get(); }

  // Free body `name` at origin `pos`, turned by quaternion `q` (w, x, y, z), at rest.
  void Put(const std::string& name, const V3& pos, const std::array<double, 4>& q = {1, 0, 0, 0}) {
    const int j = mj_name2id(m(), mjOBJ_JOINT, (name + "_joint").c_str());
    GAUNTLET_CHECK(j >= 0, "no free joint for " + name);
    double* qp = d()->qpos + m()->jnt_qposadr[j];
    for (int k = 0; k < 3; ++k) qp[k] = pos[k];
    for (int k = 0; k < 4; ++k) qp[3 + k] = q[k];
    mj_forward(m(), d());
  }
  void SetJoint(const std::string& joint, double q) {
    d()->qpos[m()->jnt_qposadr[mj_name2id(m(), mjOBJ_JOINT, joint.c_str())]] = q;
    mj_forward(m(), d());
  }
  V3 SitePos(const std::string& site) {
    mj_forward(m(), d());
    const int s = mj_name2id(m(), mjOBJ_SITE, site.c_str());
    GAUNTLET_CHECK(s >= 0, "no site " + site);
    return {d()->site_xpos[3 * s], d()->site_xpos[3 * s + 1], d()->site_xpos[3 * s + 2]};
  }
  V3 Origin(const std::string& body) {
    mj_forward(m(), d());
    const int b = mj_name2id(m(), mjOBJ_BODY, body.c_str());
    return {d()->xpos[3 * b], d()->xpos[3 * b + 1], d()->xpos[3 * b + 2]};
  }
  // The quaternion the layout gave a free object (its yaw).
  std::array<double, 4> Yaw(const std::string& object) const {
    const double yaw = layout_.Get(object).yaw;
    return {std::cos(yaw / 2), 0, 0, std::sin(yaw / 2)};
  }

  bool Holds(const GripperCommands& g = {}) {
    mj_forward(m(), d());
    return rule_->Evaluate(m(), d(), g, state_);
  }
  void NewEpisode() { state_ = SuccessState{}; }

 private:
  TaskLayout layout_;
  double top_ = 0;
  ModelPtr model_;
  DataPtr data_;
  std::optional<SuccessRule> rule_;
  SuccessState state_;
};

V3 Add(const V3& a, const V3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }

std::array<double, 4> TiltAboutX(double angle, const std::array<double, 4>& yaw) {
  const mjtNum tilt[4] = {std::cos(angle / 2), std::sin(angle / 2), 0, 0};
  mjtNum q[4];
  const mjtNum y[4] = {yaw[0], yaw[1], yaw[2], yaw[3]};
  mju_mulQuat(q, y, tilt);
  return {q[0], q[1], q[2], q[3]};
}

constexpr GripperCommands kOpen{1, 1};
constexpr GripperCommands kClosed{0, 0};

TEST(DualarmSuccess, NoTaskStartsOutSucceeded) {
  for (const DualarmTask& task : DualarmTasks()) {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      SuccessScene s(task.name, seed);
      EXPECT_FALSE(s.Holds(kOpen)) << task.name << " seed " << seed;
      EXPECT_FALSE(s.Holds(kClosed)) << task.name << " seed " << seed;
    }
  }
}

TEST(DualarmSuccess, CompileNamesWhatIsMissing) {
  SuccessScene s("lift_pot", 0);
  auto no_tcp = SuccessRule::Compile(s.m(), s.layout(), RobotBinding{});
  ASSERT_FALSE(no_tcp.ok());
  EXPECT_NE(no_tcp.error().message.find("TCP"), std::string::npos);
  auto wrong = SuccessRule::Compile(s.m(), s.layout(), {{"nope", {}}, {"right_tcp", {}}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("'nope'"), std::string::npos);
  TaskLayout other = SampleLayout("place_empty_cup", 0).value();
  auto mismatch = SuccessRule::Compile(s.m(), other, ProbeBinding());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("cup"), std::string::npos);
}

TEST(DualarmSuccess, PlaceContainerPlate) {
  SuccessScene s("place_container_plate", 1);
  const V3 plate = s.SitePos("plate_top");
  const auto at = [&](double dx, double dy, double dz) { s.Put("container", Add(plate, {dx, dy, dz})); };
  at(0.049, -0.049, 0.029);
  EXPECT_TRUE(s.Holds(kOpen));
  EXPECT_FALSE(s.Holds({0.79, 1}));
  EXPECT_FALSE(s.Holds({1, 0.79}));
  at(0.051, 0, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(0, -0.051, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(0, 0, 0.031);
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, OpenMicrowave) {
  SuccessScene s("open_microwave", 2);
  const std::string door = DoorJointName(s.layout().Get("microwave"));
  s.SetJoint(door, 0.6 * kMicrowaveDoorUpper + 1e-3);
  EXPECT_TRUE(s.Holds(kClosed));
  s.SetJoint(door, 0.6 * kMicrowaveDoorUpper - 1e-3);
  EXPECT_FALSE(s.Holds(kOpen));
  // The door really swings toward the robot: its handle comes forward (-y).
  s.SetJoint(door, 0);
  const V3 closed = s.SitePos("microwave_handle");
  s.SetJoint(door, 1.0);
  EXPECT_LT(s.SitePos("microwave_handle")[1], closed[1] - 0.1);
}

TEST(DualarmSuccess, ClickBellLatchesOnAGripperContactAtTheTop) {
  SuccessScene s("click_bell", 3);
  const V3 top = s.SitePos("bell_top");
  const double dome = s.layout().Get("bell").size[2];
  const V3 centre = Add(top, {0, 0, -dome});
  // Touching the dome `angle` from its top, 1 mm deep.
  const auto touch = [&](const std::string& probe, double angle) {
    const double reach = dome + kProbeRadius - 0.001;
    s.Put(probe, Add(centre, {reach * std::sin(angle), 0, reach * std::cos(angle)}));
  };
  const auto away = [&]() {
    s.Put("left_probe", {-0.5, -0.5, 1.3});
    s.Put("right_probe", {0.5, -0.5, 1.3});
  };
  touch("left_probe", 1.13);  // 65 degrees: the contact lies ~0.027 from the top's axis
  EXPECT_GT(s.d()->ncon, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  touch("left_probe", 0.79);  // 45 degrees: ~0.021
  EXPECT_TRUE(s.Holds(kOpen));
  away();
  EXPECT_TRUE(s.Holds(kOpen)) << "latched";
  s.NewEpisode();
  EXPECT_FALSE(s.Holds(kOpen));
  touch("right_probe", 0);
  EXPECT_TRUE(s.Holds(kClosed));
  // A contact that is not a gripper's does not count.
  s.NewEpisode();
  away();
  SuccessScene other("click_bell", 3);
  RobotBinding only_left = {{"left_tcp", {"left_probe"}}, {"right_tcp", {}}};
  auto rule = SuccessRule::Compile(other.m(), other.layout(), only_left);
  ASSERT_TRUE(rule.ok());
  const V3 other_top = other.SitePos("bell_top");
  other.Put("right_probe", Add(other_top, {0, 0, kProbeRadius - 0.001}));
  SuccessState state;
  EXPECT_FALSE(rule.value().Evaluate(other.m(), other.d(), kOpen, state));
  other.Put("left_probe", Add(other_top, {0, 0, kProbeRadius - 0.001}));
  other.Put("right_probe", {0.5, -0.5, 1.3});
  EXPECT_TRUE(rule.value().Evaluate(other.m(), other.d(), kOpen, state));
}

TEST(DualarmSuccess, MoveCanPot) {
  for (std::uint64_t seed : {4u, 5u, 6u, 7u}) {
    SuccessScene s("move_can_pot", seed);
    const double side = s.layout().Get("can").x < 0 ? -1 : 1;
    const V3 pot = s.Origin("pot");
    const auto at = [&](double dx, double dy, double dz, double tilt = 0) {
      s.Put("can", Add(pot, {side * dx, dy, dz}), TiltAboutX(tilt, {1, 0, 0, 0}));
    };
    at(0.199, 0.034, 0.009, 0.25);  // tilt 14.3 degrees
    EXPECT_TRUE(s.Holds(kOpen)) << seed;
    EXPECT_FALSE(s.Holds({0.5, 1}));
    EXPECT_FALSE(s.Holds({1, 0.5}));
    at(0.201, 0, 0);
    EXPECT_FALSE(s.Holds(kOpen));
    at(-0.15, 0, 0);  // beside the pot, but on the other side
    EXPECT_FALSE(s.Holds(kOpen));
    at(0.15, 0.036, 0);
    EXPECT_FALSE(s.Holds(kOpen));
    at(0.15, 0, 0, 0.27);  // 15.5 degrees
    EXPECT_FALSE(s.Holds(kOpen));
    at(0.15, 0, 0.011);  // off the table
    EXPECT_FALSE(s.Holds(kOpen));
  }
}

void CheckA2b(const std::string& task, double order) {
  SuccessScene s(task, 8);
  const V3 b = s.Origin("object_b");
  const auto at = [&](double dx, double dy) { s.Put("object_a", Add(b, {dx, dy, 0})); };
  at(order * 0.19, 0.049);  // d = 0.196
  EXPECT_TRUE(s.Holds(kOpen)) << task;
  at(order * 0.081, 0);
  EXPECT_TRUE(s.Holds(kOpen)) << task;
  EXPECT_FALSE(s.Holds({0.79, 1}));
  at(order * 0.079, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(order * 0.201, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(order * 0.1, 0.051);
  EXPECT_FALSE(s.Holds(kOpen));
  at(-order * 0.12, 0);  // the other side of B
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, PlaceA2bLeftAndRight) {
  CheckA2b("place_a2b_left", -1);
  CheckA2b("place_a2b_right", 1);
}

TEST(DualarmSuccess, PlaceEmptyCup) {
  SuccessScene s("place_empty_cup", 9);
  const V3 coaster = s.SitePos("coaster_top");
  s.Put("cup", Add(coaster, {0.024, 0.024, 0.014}));  // 0.034 in xy
  EXPECT_TRUE(s.Holds(kOpen));
  EXPECT_FALSE(s.Holds({1, 0.1}));
  s.Put("cup", Add(coaster, {0.036, 0, 0}));
  EXPECT_FALSE(s.Holds(kOpen));
  s.Put("cup", Add(coaster, {0, 0, 0.016}));
  EXPECT_FALSE(s.Holds(kOpen));
  s.Put("cup", Add(coaster, {0, 0, -0.016}));
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, StackBlocksTwo) {
  SuccessScene s("stack_blocks_two", 10);
  const V3 red = s.SitePos("block_red_centre");
  const double half = s.layout().Get("block_green").size[2];
  // The green block's centre at red's + (0, 0, 0.05) + offset.
  const auto at = [&](double dx, double dy, double dz) {
    s.Put("block_green", Add(red, {dx, dy, 0.05 + dz - half}));
  };
  at(0.024, -0.024, 0.011);
  EXPECT_TRUE(s.Holds(kOpen));
  EXPECT_FALSE(s.Holds({0, 1}));
  at(0.026, 0, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(0, -0.026, 0);
  EXPECT_FALSE(s.Holds(kOpen));
  at(0, 0, 0.013);
  EXPECT_FALSE(s.Holds(kOpen));
  at(0, 0, -0.013);
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, BlocksRankingRgb) {
  SuccessScene s("blocks_ranking_rgb", 11);
  // Each block's centre at (x, y, on the table).
  const auto at = [&](const std::string& colour, double x, double y) {
    s.Put("block_" + colour, {x, y, s.top()});
  };
  const auto row = [&](double r, double g, double b, double ry = 0, double gy = 0.02, double by = 0.0) {
    at("red", r, -0.1 + ry);
    at("green", g, -0.1 + gy);
    at("blue", b, -0.1 + by);
  };
  row(-0.1, 0.02, 0.149);  // gaps 0.12 and 0.129
  EXPECT_TRUE(s.Holds(kOpen));
  EXPECT_FALSE(s.Holds({1, 0}));
  row(-0.1, 0.0, 0.131);  // green to blue 0.131
  EXPECT_FALSE(s.Holds(kOpen));
  row(-0.131, 0.0, 0.1);  // red to green 0.131
  EXPECT_FALSE(s.Holds(kOpen));
  row(-0.1, 0.0, 0.1, -0.011);  // red to green |dy| 0.031
  EXPECT_FALSE(s.Holds(kOpen));
  row(-0.1, 0.0, 0.1, 0, 0.02, -0.011);  // green to blue |dy| 0.031
  EXPECT_FALSE(s.Holds(kOpen));
  row(0.01, 0.0, 0.1);  // red right of green
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, HandoverBlock) {
  SuccessScene s("handover_block", 12);
  const V3 pad = s.SitePos("pad_top");
  s.Put("box", Add(pad, {0.021, 0.021, 0.009}));  // end0 is the origin: 0.0297 in xy
  EXPECT_TRUE(s.Holds({0, 1}));
  EXPECT_FALSE(s.Holds({1, 0.79}));
  s.Put("box", Add(pad, {0.031, 0, 0}));
  EXPECT_FALSE(s.Holds(kOpen));
  s.Put("box", Add(pad, {0, 0, 0.011}));
  EXPECT_FALSE(s.Holds(kOpen));
  // Upside down, the other end is on the pad.
  s.Put("box", Add(pad, {0, 0, 0.2}), {0, 1, 0, 0});
  EXPECT_NEAR(s.SitePos("box_end1")[2], pad[2], 1e-9);
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, HandoverMic) {
  for (std::uint64_t seed : {13u, 14u, 15u, 16u}) {
    SuccessScene s("handover_mic", seed);
    const bool left_grasps = s.layout().lead_arm == ArmSide::kLeft;
    const double receiver_x = left_grasps ? 0.05 : -0.05;
    const auto grippers = [&](double grasping, double receiving) {
      return left_grasps ? GripperCommands{grasping, receiving} : GripperCommands{receiving, grasping};
    };
    s.Put("mic", {receiver_x, 0, 0.921});
    EXPECT_TRUE(s.Holds(grippers(0.81, 0.19))) << seed;
    EXPECT_FALSE(s.Holds(grippers(0.79, 0.1)));
    EXPECT_FALSE(s.Holds(grippers(1, 0.21)));
    EXPECT_FALSE(s.Holds(grippers(0.19, 0.81)));  // the wrong way round
    s.Put("mic", {receiver_x, 0, 0.919});
    EXPECT_FALSE(s.Holds(grippers(1, 0)));
    s.Put("mic", {-receiver_x, 0, 0.95});
    EXPECT_FALSE(s.Holds(grippers(1, 0)));
  }
}

TEST(DualarmSuccess, LiftPot) {
  SuccessScene s("lift_pot", 17);
  const V3 start = s.Origin("pot");
  const auto lift = [&](double z, double tilt) { s.Put("pot", {start[0], start[1], z}, TiltAboutX(tilt, s.Yaw("pot"))); };
  const auto hands = [&](const V3& left_offset, const V3& right_offset) {
    const V3 l = s.SitePos("pot_handle_left"), r = s.SitePos("pot_handle_right");
    s.Put("left_probe", Add(l, left_offset));
    s.Put("right_probe", Add(r, right_offset));
  };
  lift(0.821, 0.6);  // z axis . world z = 0.825
  hands({0.029, 0, 0}, {0, 0, -0.029});
  EXPECT_TRUE(s.Holds(kClosed));
  EXPECT_TRUE(s.Holds(kOpen)) << "the rule reads where the grippers are, not what they are told";
  lift(0.819, 0);
  hands({0, 0, 0}, {0, 0, 0});
  EXPECT_FALSE(s.Holds(kClosed));
  lift(0.85, 0.66);  // 0.790
  hands({0, 0, 0}, {0, 0, 0});
  EXPECT_FALSE(s.Holds(kClosed));
  lift(0.85, 0);
  hands({0, 0.031, 0}, {0, 0, 0});
  EXPECT_FALSE(s.Holds(kClosed));
  hands({0, 0, 0}, {0.031, 0, 0});
  EXPECT_FALSE(s.Holds(kClosed));
  // Hands crossed: each TCP at the other arm's handle.
  const V3 l = s.SitePos("pot_handle_left"), r = s.SitePos("pot_handle_right");
  s.Put("left_probe", r);
  s.Put("right_probe", l);
  EXPECT_FALSE(s.Holds(kClosed));
}

TEST(DualarmSuccess, GrabRoller) {
  SuccessScene s("grab_roller", 18);
  const V3 start = s.Origin("roller");
  s.Put("roller", {start[0], start[1], 0.801});
  EXPECT_TRUE(s.Holds({0.19, 0.19}));
  EXPECT_FALSE(s.Holds({0.21, 0}));
  EXPECT_FALSE(s.Holds({0, 0.21}));
  s.Put("roller", {start[0], start[1], 0.799});
  EXPECT_FALSE(s.Holds(kClosed));
}

TEST(DualarmSuccess, PickDualBottles) {
  SuccessScene s("pick_dual_bottles", 19);
  const double hl = s.layout().Get("bottle_left").size[1] / 2, hr = s.layout().Get("bottle_right").size[1] / 2;
  // Each bottle's centre at (x, y, z).
  const auto at = [&](const V3& left, const V3& right) {
    s.Put("bottle_left", {left[0], left[1], left[2] - hl});
    s.Put("bottle_right", {right[0], right[1], right[2] - hr});
  };
  at({-0.06 + 0.099, -0.105 - 0.099, 0.891}, {0.06 - 0.099, -0.105 + 0.099, 0.891});
  EXPECT_TRUE(s.Holds(kClosed));
  at({-0.06 - 0.101, -0.105, 0.95}, {0.06, -0.105, 0.95});
  EXPECT_FALSE(s.Holds(kClosed));
  at({-0.06, -0.105 + 0.101, 0.95}, {0.06, -0.105, 0.95});
  EXPECT_FALSE(s.Holds(kClosed));
  at({-0.06, -0.105, 0.889}, {0.06, -0.105, 0.95});
  EXPECT_FALSE(s.Holds(kClosed));
  at({-0.06, -0.105, 0.95}, {0.06 + 0.101, -0.105, 0.95});
  EXPECT_FALSE(s.Holds(kClosed));
  at({-0.06, -0.105, 0.95}, {0.06, -0.105 - 0.101, 0.95});
  EXPECT_FALSE(s.Holds(kClosed));
  at({-0.06, -0.105, 0.95}, {0.06, -0.105, 0.889});
  EXPECT_FALSE(s.Holds(kClosed));
}

TEST(DualarmSuccess, PlaceCansPlasticbox) {
  SuccessScene s("place_cans_plasticbox", 20);
  const V3 s0 = s.SitePos("plasticbox_slot0"), s1 = s.SitePos("plasticbox_slot1");
  s.Put("can_left", Add(s0, {0.028, 0.028, 0}));  // 0.0396
  s.Put("can_right", Add(s1, {0, -0.039, 0}));
  EXPECT_TRUE(s.Holds(kOpen));
  EXPECT_FALSE(s.Holds({1, 0.79}));
  s.Put("can_left", s1);
  s.Put("can_right", s0);
  EXPECT_TRUE(s.Holds(kOpen)) << "either can in either slot";
  s.Put("can_left", Add(s0, {0.041, 0, 0}));
  s.Put("can_right", s1);
  EXPECT_FALSE(s.Holds(kOpen));
  s.Put("can_left", s0);
  s.Put("can_right", Add(s1, {0, 0.041, 0}));
  EXPECT_FALSE(s.Holds(kOpen));
  s.Put("can_left", s0);
  s.Put("can_right", Add(s0, {0.01, 0, 0.12}));  // both in one slot
  EXPECT_FALSE(s.Holds(kOpen));
}

TEST(DualarmSuccess, PutObjectCabinet) {
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    SuccessScene s("put_object_cabinet", seed);
    const std::string drawer = DrawerJointName(s.layout().Get("cabinet"));
    const V3 closed = s.SitePos("cabinet_drawer_point");
    s.SetJoint(drawer, kCabinetDrawerUpper);
    const V3 open = s.SitePos("cabinet_drawer_point");
    EXPECT_NEAR(std::hypot(open[0] - closed[0], open[1] - closed[1]), kCabinetDrawerUpper, 1e-9);
    EXPECT_LT(open[1], closed[1]) << "the drawer comes out toward the robot";
    const bool left_places = s.layout().lead_arm == ArmSide::kLeft;
    const GripperCommands placing_open = left_places ? GripperCommands{1, 0} : GripperCommands{0, 1};
    const GripperCommands placing_closed = left_places ? GripperCommands{0.79, 1} : GripperCommands{1, 0.79};
    const V3 centre = s.SitePos("object_centre"), origin = s.Origin("object");
    const double centre_height = centre[2] - origin[2];
    // The object's centre at the drawer point + offset.
    const auto at = [&](double dx, double dy, double dz) {
      s.Put("object", Add(open, {dx, dy, dz - centre_height}));
    };
    at(0.035, 0.035, 0.0075);  // 0.0495 in xy
    EXPECT_TRUE(s.Holds(placing_open)) << seed;
    EXPECT_FALSE(s.Holds(placing_closed));
    at(0, 0, 0.119);
    EXPECT_TRUE(s.Holds(placing_open));
    at(0.051, 0, 0.03);
    EXPECT_FALSE(s.Holds(placing_open));
    at(0, 0, 0.0065);
    EXPECT_FALSE(s.Holds(placing_open));
    at(0, 0, 0.121);
    EXPECT_FALSE(s.Holds(placing_open));
  }
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
