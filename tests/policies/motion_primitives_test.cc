// Motion primitives: a hand integrating their actions kinematically (each
// unit of action moving it by the convention's metres and radians) reaches
// the goal; actions stay within [-1, 1] and within the speed limit; each
// family's gripper convention comes out as given.
#include "policies/scripted/motion_primitives.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gauntlet::policies::scripted {
namespace {

MotionConvention Tabletop() {
  MotionConvention c;
  c.metres_per_unit = 0.05;
  c.radians_per_unit = 0.5;
  c.gripper_open = -1;
  c.gripper_close = 1;
  c.via_tolerance = 0.012;
  c.heading_tolerance = 0.06;
  c.transit_tolerance = 0.02;
  c.finger_travel_steps = 8;
  return c;
}

// A play-table interface: another scale, gripper +1 open.
MotionConvention PlayTable() {
  MotionConvention c = Tabletop();
  c.metres_per_unit = 0.02;
  c.radians_per_unit = 0.05;
  c.gripper_open = 1;
  c.gripper_close = -1;
  return c;
}

Quat Multiply(const Quat& a, const Quat& b) {
  return {a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
          a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
          a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
          a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]};
}

Quat FromRotationVector(const Vec3& v) {
  const double angle = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (angle < 1e-15) return {1, 0, 0, 0};
  const double s = std::sin(angle / 2) / angle;
  return {std::cos(angle / 2), v[0] * s, v[1] * s, v[2] * s};
}

// The hand after executing `a` exactly: translation in world frame, rotation
// vector applied on the left (world frame).
Pose Integrate(const Pose& hand, const Action& a, const MotionConvention& c) {
  Pose next = hand;
  for (int i = 0; i < 3; ++i) next.pos[i] += a[i] * c.metres_per_unit;
  next.quat = Multiply(FromRotationVector({a[3] * c.radians_per_unit, a[4] * c.radians_per_unit,
                                           a[5] * c.radians_per_unit}),
                       hand.quat);
  return next;
}

double Distance(const Vec3& a, const Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

double Angle(const Quat& a, const Quat& b) {
  const Vec3 r = RotationVector(a, b);
  return std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
}

void ExpectWithinUnitBox(const Action& a) {
  ASSERT_EQ(a.size(), 7u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_GE(a[i], -1.0) << i;
    EXPECT_LE(a[i], 1.0) << i;
  }
}

TEST(MotionPrimitives, RotationVectorIsAxisTimesAngleTheShorterWay) {
  const Quat identity{1, 0, 0, 0};
  const Quat about_z = FromRotationVector({0, 0, 0.3});
  const Vec3 r = RotationVector(identity, about_z);
  EXPECT_NEAR(r[0], 0, 1e-12);
  EXPECT_NEAR(r[1], 0, 1e-12);
  EXPECT_NEAR(r[2], 0.3, 1e-12);
  // The same orientation written with the opposite sign is no turn at all.
  const Quat negated{-about_z[0], -about_z[1], -about_z[2], -about_z[3]};
  const Vec3 none = RotationVector(about_z, negated);
  EXPECT_NEAR(std::hypot(none[0], none[1], none[2]), 0, 1e-12);
  // 3/4 of a turn one way is a quarter turn the other.
  const Vec3 back = RotationVector(identity, FromRotationVector({0, 0, 1.5 * M_PI}));
  EXPECT_NEAR(back[2], -0.5 * M_PI, 1e-9);
}

TEST(MotionPrimitives, ClippingKeepsDirectionAndRespectsLimits) {
  const MotionConvention c = Tabletop();
  // 30 cm away, 2 cm a step allowed: the step is 2 cm along the error.
  const Action a = ClippedDeltaAction({0.3, 0, -0.4}, {0, 0, 0}, 0.02, 0.5, c);
  ExpectWithinUnitBox(a);
  EXPECT_NEAR(a[0] * c.metres_per_unit, 0.02 * 0.6, 1e-12);
  EXPECT_NEAR(a[2] * c.metres_per_unit, -0.02 * 0.8, 1e-12);
  EXPECT_EQ(a[6], 0.5);
  // Within the step: the whole error.
  const Action near = ClippedDeltaAction({0.01, -0.005, 0}, {0, 0, 0.1}, 0.05, 1, c);
  EXPECT_NEAR(near[0], 0.2, 1e-12);
  EXPECT_NEAR(near[1], -0.1, 1e-12);
  EXPECT_NEAR(near[5], 0.2, 1e-12);
  // A step limit beyond what one unit commands is clipped per component.
  const Action far = ClippedDeltaAction({1, 0, 0}, {3, -3, 0.25}, 10, 1, c);
  EXPECT_EQ(far[0], 1.0);
  EXPECT_EQ(far[3], 1.0);
  EXPECT_EQ(far[4], -1.0);
  EXPECT_NEAR(far[5], 0.5, 1e-12);
  // No error: no motion, exactly.
  const Action still = ClippedDeltaAction({0, 0, 0}, {0, 0, 0}, 0.0, -1, c);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(still[i], 0.0) << i;
}

TEST(MotionPrimitives, ApproachConvergesToTheGoalPoseWithinTheSpeedLimit) {
  for (const MotionConvention& c : {Tabletop(), PlayTable()}) {
    Pose hand{{0.4, -0.1, 1.0}, FromRotationVector({M_PI, 0, 0})};
    const Pose goal{{0.55, 0.12, 0.85}, Multiply(FromRotationVector({0, 0, 0.7}), hand.quat)};
    const double max_step = 0.015;
    for (int step = 0; step < 200; ++step) {
      const Action a = Approach(hand, goal, max_step, Grip::kOpen, c);
      ExpectWithinUnitBox(a);
      const Pose next = Integrate(hand, a, c);
      EXPECT_LE(Distance(next.pos, hand.pos), max_step + 1e-12);
      EXPECT_EQ(a[6], c.gripper_open);
      hand = next;
    }
    EXPECT_LT(Distance(hand.pos, goal.pos), 1e-9);
    EXPECT_LT(Angle(hand.quat, goal.quat), 1e-9);
  }
}

TEST(MotionPrimitives, GripperConventionIsTheFamilys) {
  const Pose hand{{0.5, 0, 1}, {1, 0, 0, 0}};
  const MotionConvention tabletop = Tabletop(), play = PlayTable();
  EXPECT_EQ(Grasp(hand, hand.pos, hand.quat, 0.01, tabletop)[6], 1.0);
  EXPECT_EQ(Release(hand, hand.quat, tabletop)[6], -1.0);
  EXPECT_EQ(Grasp(hand, hand.pos, hand.quat, 0.01, play)[6], -1.0);
  EXPECT_EQ(Release(hand, hand.quat, play)[6], 1.0);
  // Carrying, placing and pushing keep the fingers closed.
  EXPECT_EQ(Carry(hand, hand.pos, {0.6, 0, 1}, hand.quat, 0.05, play)[6], -1.0);
  EXPECT_EQ(Place(hand, hand.pos, {0.5, 0, 0.9}, hand.quat, 0.03, 0.015, play)[6], -1.0);
  EXPECT_EQ(Push(hand, hand.pos, {1, 0, 0}, 0.1, hand.quat, 0.02, play)[6], -1.0);
  EXPECT_EQ(Lift(hand, 1.1, hand.quat, 0.05, Grip::kOpen, play)[6], 1.0);
}

TEST(MotionPrimitives, ReleaseHoldsThePositionAndOnlyTurns) {
  const MotionConvention c = Tabletop();
  const Pose hand{{0.5, 0.1, 1}, {1, 0, 0, 0}};
  const Action a = Release(hand, FromRotationVector({0, 0, 0.2}), c);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a[i], 0.0);
  EXPECT_NEAR(a[5], 0.2 / c.radians_per_unit, 1e-12);
}

TEST(MotionPrimitives, LiftGoesStraightUp) {
  const MotionConvention c = Tabletop();
  const Pose hand{{0.5, 0.1, 1}, {1, 0, 0, 0}};
  const Action a = Lift(hand, 1.03, hand.quat, 0.02, Grip::kClose, c);
  EXPECT_EQ(a[0], 0.0);
  EXPECT_EQ(a[1], 0.0);
  EXPECT_NEAR(a[2] * c.metres_per_unit, 0.02, 1e-12);
}

TEST(MotionPrimitives, CarryBringsTheHeldPointToEachWaypoint) {
  const MotionConvention c = Tabletop();
  Pose hand{{0.5, 0.0, 1.0}, {1, 0, 0, 0}};
  const Vec3 offset{0.01, -0.02, -0.08};  // the object's origin from the hand
  auto held = [&] { return Vec3{hand.pos[0] + offset[0], hand.pos[1] + offset[1], hand.pos[2] + offset[2]}; };
  for (const Vec3& waypoint : {Vec3{0.51, -0.02, 1.05}, Vec3{0.3, 0.2, 1.05}}) {
    for (int step = 0; step < 100; ++step) hand = Integrate(hand, Carry(hand, held(), waypoint, hand.quat, 0.05, c), c);
    EXPECT_LT(Distance(held(), waypoint), 1e-9);
  }
}

TEST(MotionPrimitives, PlaceSlowsDownNearTheSpot) {
  const MotionConvention c = Tabletop();
  const Pose hand{{0.5, 0, 1}, {1, 0, 0, 0}};
  const Vec3 spot{0.5, 0, 0.8};
  // High above: full speed down.
  EXPECT_NEAR(Place(hand, {0.5, 0, 0.9}, spot, hand.quat, 0.03, 0.015, c)[2], -1.0, 1e-12);
  // Within 3 cm: at most 1.5 cm a step.
  EXPECT_NEAR(Place(hand, {0.5, 0, 0.825}, spot, hand.quat, 0.03, 0.015, c)[2] * c.metres_per_unit, -0.015, 1e-12);
}

TEST(MotionPrimitives, PushMovesAlongTheDirectionFromWhereContactBegan) {
  const MotionConvention c = Tabletop();
  Pose hand{{0.5, 0, 1}, {1, 0, 0, 0}};
  const Vec3 from = hand.pos, direction{0, -1, 0};
  for (int step = 0; step < 20; ++step) {
    const Action a = Push(hand, from, direction, 0.12, hand.quat, 0.02, c);
    EXPECT_EQ(a[0], 0.0);
    hand = Integrate(hand, a, c);
  }
  EXPECT_LT(Distance(hand.pos, {0.5, -0.12, 1}), 1e-9);
}

TEST(MotionPrimitives, TransitKeepsHeightUntilOverTheViaPoint) {
  const MotionConvention c = Tabletop();
  // Far away and the via point lower: across at the hand's height.
  Vec3 t = TransitPoint({0.3, 0, 1.1}, {0.6, 0.1, 0.95}, c);
  EXPECT_EQ(t[0], 0.6);
  EXPECT_EQ(t[2], 1.1);
  // Far away and the via point higher: straight up first.
  t = TransitPoint({0.3, 0, 0.9}, {0.6, 0.1, 1.0}, c);
  EXPECT_EQ(t[0], 0.3);
  EXPECT_EQ(t[2], 1.0);
  // Over it: the via point itself.
  t = TransitPoint({0.6, 0.105, 1.1}, {0.6, 0.1, 0.95}, c);
  EXPECT_EQ(t[2], 0.95);
}

}  // namespace
}  // namespace gauntlet::policies::scripted
