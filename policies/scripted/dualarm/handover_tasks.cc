// Handovers: one arm grasps, brings the object to the middle, the other arm
// grasps it there before the first lets go (handover_block, handover_mic).
#include <algorithm>
#include <cmath>

#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Both hands take the box from the side, approaches pitched down this much
// (a far, low reach the arms make easily), the left low and the right
// higher, so that the right can carry it to the pad with its hand turned
// the way its arm reaches there.
constexpr double kSidePitch = 0.5;
constexpr double kLowGrip = 0.07;    // metres above the box's bottom face
constexpr double kHighGrip = 0.14;   // metres along the box's axis from its bottom face
const Vec3 kHandoverSpot{-0.02, -0.08, 0.10};  // the box's bottom: x, y, and z above the table

// The right hand's approach heading at the pad (its reach there).
double PadHeading(const DualarmView& v) { return ReachHeading(Hand::kRight, v.Site("pad_top")); }

constexpr double kMicHeight = 0.92;  // task_success's absolute height for the mic's origin
constexpr double kMicX = 0.05;       // the mic's origin this far on the receiver's side of x = 0
constexpr double kMicY = -0.05;

}  // namespace

Plan HandoverBlockPlan(const DualarmView& view) {
  Plan plan;
  // The left arm takes the box low, across a pair of faces (task_success:
  // the box's end0 on the pad, the right gripper open).
  GraspSpec low;
  low.hand = Hand::kLeft;
  low.point = [](const DualarmView& v) { return Add(v.Site("box_end0"), {0, 0, kLowGrip}); };
  low.orientation = [](const DualarmView& v) {
    const double face = FoldAngle(YawOf(v.Orientation("box")), kPi / 2, ReachHeading(Hand::kLeft, v.Site("box_end0")));
    return Angled(face, kSidePitch);
  };
  low.lift = 0.08;
  Append(plan, PickStages(low, "take"));
  // To the middle, turning the box so a pair of its faces lies across the
  // right hand's reach toward the pad (the left's approach is a face normal).
  PlaceSpec middle;
  middle.hand = Hand::kLeft;
  middle.held = [](const DualarmView& v) { return v.Site("box_end0"); };
  middle.spot = [](const DualarmView& v) {
    return Vec3{kHandoverSpot[0], kHandoverSpot[1], v.Origin("pad")[2] + kHandoverSpot[2]};
  };
  middle.orientation = [](const DualarmView& v) {
    const Vec3 spot{kHandoverSpot[0], kHandoverSpot[1], v.Origin("pad")[2]};
    return Angled(FoldAngle(PadHeading(v), kPi / 2, ReachHeading(Hand::kLeft, spot)), kSidePitch);
  };
  middle.clearance = 0;
  middle.settle_steps = 8;
  middle.release = false;
  Append(plan, PlaceStages(middle, "middle"));
  // The right arm takes it higher up; only then the left lets go and backs off.
  GraspSpec high;
  high.hand = Hand::kRight;
  high.point = [](const DualarmView& v) {
    const Vec3 bottom = v.Site("box_end0");
    const Vec3 axis = Sub(v.Site("box_end1"), bottom);
    return Add(bottom, Scale(axis, kHighGrip / Norm(axis)));
  };
  high.orientation = [](const DualarmView& v) {
    return Angled(FoldAngle(YawOf(v.Orientation("box")), kPi / 2, PadHeading(v)), kSidePitch);
  };
  high.lift = 0;
  Append(plan, PickStages(high, "receive"));
  // Back a little along its approach, slowly (piper's open fingers clear
  // the box by under a centimetre a side), then out of the way.
  Append(plan, ReleaseStages(Hand::kLeft, 0.05, 0.0, "give", kSlow));
  plan.push_back(ParkStage(Hand::kLeft, view.arm(Hand::kLeft), "give_park"));
  PlaceSpec pad;
  pad.hand = Hand::kRight;
  pad.held = [](const DualarmView& v) { return v.Site("box_end0"); };
  pad.spot = [](const DualarmView& v) { return Add(v.Site("pad_top"), {0, 0, 0.003}); };
  pad.clearance = 0.04;
  pad.speed = 0.008;
  pad.settle_steps = 6;
  Append(plan, PlaceStages(pad, "place"));
  return plan;
}

Plan HandoverMicPlan(const DualarmView& view) {
  // task_success: the receiver's gripper closed, the giver's open, the mic's
  // origin above z = 0.92 and on the receiver's side of x = 0. The giver (on
  // the mic's side) takes the handle low from the side and raises the mic
  // over the receiver's side of the middle; the receiver pinches the ball
  // head from above; then the giver lets go.
  const Hand giver = HandFor(view.Origin("mic")[0]);
  const Hand receiver = Other(giver);
  const double z = std::max(kMicHeight + 0.04, view.Origin("mic")[2] + 0.15);
  Plan plan;
  GraspSpec low;
  low.hand = giver;
  low.point = [](const DualarmView& v) { return v.Site("mic_grasp"); };
  low.orientation = [giver](const DualarmView& v) {
    return Angled(ReachHeading(giver, v.Origin("mic")), kSidePitch);
  };
  low.lift = 0.08;
  Append(plan, PickStages(low, "take"));
  PlaceSpec middle;
  middle.hand = giver;
  middle.held = [](const DualarmView& v) { return v.Origin("mic"); };
  middle.spot = [receiver, z](const DualarmView&) { return Vec3{SideSign(receiver) * kMicX, kMicY, z}; };
  middle.clearance = 0;
  middle.settle_steps = 8;
  middle.release = false;
  Append(plan, PlaceStages(middle, "middle"));
  GraspSpec head;
  head.hand = receiver;
  head.point = [](const DualarmView& v) { return v.Site("mic_head"); };
  head.orientation = [receiver](const DualarmView& v) {
    return ReachingTopDown(receiver, v.Site("mic_head"), 0, kPi);
  };
  head.lift = 0;
  Append(plan, PickStages(head, "receive"));
  Append(plan, ReleaseStages(giver, 0.10, 0.0, "give"));
  return plan;
}

}  // namespace gauntlet::policies::scripted::dualarm
