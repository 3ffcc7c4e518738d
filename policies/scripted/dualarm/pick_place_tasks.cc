// One arm picks one object and sets it down: place_container_plate,
// place_empty_cup, move_can_pot, place_a2b_left/right, stack_blocks_two,
// blocks_ranking_rgb, place_cans_plasticbox. The arm is the one on the
// object's side (x sign), as RoboTwin's experts choose it.
#include <algorithm>
#include <cmath>

#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRimDepth = 0.015;  // the fingers pinch a container's wall this far below the rim
constexpr double kTopDepth = 0.03;   // a can's grip below its top
constexpr double kHighTopDepth = 0.015;  // ... when it goes into a box
constexpr double kBesidePot = 0.175; // the can's spot from the pot's centre along x
constexpr double kBeside = 0.12;     // A's spot from B along x (place_a2b)
constexpr double kRowGap = 0.11;     // blocks_ranking_rgb: spacing in the row
constexpr double kRowY = -0.11;
constexpr double kMiddleOffset = 0.04;  // stack_blocks_two: red's spot beside x = 0, on its arm's side
constexpr double kMiddleY = -0.06;

// A top-down grasp at `site` (minus `depth` in z), the fingers closing along
// `yaw` modulo `period`.
GraspSpec TopDownAt(Hand hand, const std::string& site, double depth, double yaw, double period) {
  GraspSpec g;
  g.hand = hand;
  g.point = [site, depth](const DualarmView& v) { return Add(v.Site(site), {0, 0, -depth}); };
  g.orientation = [hand, site, yaw, period](const DualarmView& v) {
    return ReachingTopDown(hand, v.Site(site), yaw, period);
  };
  return g;
}

}  // namespace

Plan PlaceContainerPlatePlan(const DualarmView& view) {
  const Hand hand = HandFor(view.Origin("container")[0]);
  // The outer rim (away from the plate), pinched across the wall.
  const std::string rim = hand == Hand::kLeft ? "container_rim_left" : "container_rim_right";
  Plan plan;
  Append(plan, PickStages(TopDownAt(hand, rim, kRimDepth, 0, kPi), "pick"));
  PlaceSpec place;
  place.hand = hand;
  place.held = [](const DualarmView& v) { return v.Origin("container"); };
  place.spot = [](const DualarmView& v) { return Add(v.Site("plate_top"), {0, 0, 0.004}); };
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

Plan PlaceEmptyCupPlan(const DualarmView& view) {
  // task_success: the cup's origin within 0.035 (xy) and 0.015 (z) of the coaster's top.
  const Hand hand = HandFor(view.Origin("cup")[0]);
  const std::string rim = hand == Hand::kLeft ? "cup_rim_left" : "cup_rim_right";
  Plan plan;
  Append(plan, PickStages(TopDownAt(hand, rim, kRimDepth, 0, kPi), "pick"));
  PlaceSpec place;
  place.hand = hand;
  place.held = [](const DualarmView& v) { return v.Origin("cup"); };
  place.spot = [](const DualarmView& v) { return Add(v.Site("coaster_top"), {0, 0, 0.003}); };
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

Plan MoveCanPotPlan(const DualarmView& view) {
  // task_success: the can beside the pot on its starting side (0 < dx < 0.2),
  // |dy| < 0.035, upright, standing on the table. Its spot clears the pot's
  // handle (reaching 0.13 from the pot's centre) by 1 cm.
  const double side = view.Origin("can")[0] < view.Origin("pot")[0] ? -1 : 1;
  const Hand hand = HandFor(view.Origin("can")[0]);
  Plan plan;
  Append(plan, PickStages(TopDownAt(hand, "can_top", kTopDepth, 0, kPi), "pick"));
  PlaceSpec place;
  place.hand = hand;
  place.held = [](const DualarmView& v) { return v.Origin("can"); };
  place.spot = [side](const DualarmView& v) { return Add(v.Origin("pot"), {side * kBesidePot, 0, 0.003}); };
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

Plan PlaceA2bPlan(const DualarmView& view, bool left_of) {
  // task_success: 0.08 < d_xy < 0.2, |dy| < 0.05, A on the asked side of B.
  const Hand hand = HandFor(view.Origin("object_a")[0]);
  Plan plan;
  Append(plan, PickStages(SmallObjectGrasp(hand, "object_a"), "pick"));
  PlaceSpec place;
  place.hand = hand;
  place.held = [](const DualarmView& v) { return v.Origin("object_a"); };
  place.spot = [left_of](const DualarmView& v) {
    return Add(v.Origin("object_b"), {left_of ? -kBeside : kBeside, 0, 0.003});
  };
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

Plan StackBlocksTwoPlan(const DualarmView& view) {
  // task_success: green's centre 0.05 over red's, within (0.025, 0.025, 0.012).
  const Vec3 red = view.Origin("block_red"), green = view.Origin("block_green");
  const Hand hand = HandFor(green[0]);
  Plan plan;
  // Blocks on opposite sides: red's arm first brings red to the middle
  // (RoboTwin's "move both blocks to the middle"), where green's arm
  // stacks without reaching across the table.
  if (HandFor(red[0]) != hand) {
    const Hand red_hand = HandFor(red[0]);
    const double table = red[2];
    Append(plan, PickStages(SmallObjectGrasp(red_hand, "block_red"), "red_pick"));
    PlaceSpec middle;
    middle.hand = red_hand;
    middle.held = [](const DualarmView& v) { return v.Origin("block_red"); };
    middle.spot = [red_hand, table](const DualarmView&) {
      return Vec3{SideSign(red_hand) * kMiddleOffset, kMiddleY, table + 0.003};
    };
    Append(plan, PlaceStages(middle, "red_place"));
    plan.push_back(ParkStage(red_hand, view.arm(red_hand), "red_park"));
  }
  Append(plan, PickStages(SmallObjectGrasp(hand, "block_green"), "pick"));
  PlaceSpec place;
  place.hand = hand;
  place.held = [](const DualarmView& v) { return v.Origin("block_green"); };
  place.spot = [](const DualarmView& v) { return Add(v.Site("block_red_end1"), {0, 0, 0.003}); };
  place.settle_steps = 4;
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

Plan BlocksRankingRgbPlan(const DualarmView& view) {
  // task_success: red, green, blue left to right, consecutive |dx| < 0.13 and
  // |dy| < 0.03. A row at y = kRowY, kRowGap apart, centred on x = 0: the
  // blocks start at least 0.15 from (0, -0.1), so the row's spots are free.
  Plan plan;
  // The table's height now (a block's origin rests on it), not while one is held.
  const double table = view.Origin("block_red")[2];
  const char* colours[] = {"red", "green", "blue"};
  for (int i = 0; i < 3; ++i) {
    const std::string block = std::string("block_") + colours[i];
    const double x = (i - 1) * kRowGap;
    // The arm on the side of the block, or of the spot for a block at the middle.
    const Hand hand = HandFor(view.Origin(block)[0]);
    Append(plan, PickStages(SmallObjectGrasp(hand, block), block + "_pick"));
    PlaceSpec place;
    place.hand = hand;
    place.held = [block](const DualarmView& v) { return v.Origin(block); };
    place.spot = [x, table](const DualarmView&) { return Vec3{x, kRowY, table + 0.003}; };
    Append(plan, PlaceStages(place, block + "_place"));
    plan.push_back(ParkStage(hand, view.arm(hand), block + "_park"));
  }
  return plan;
}

Plan PlaceCansPlasticboxPlan(const DualarmView& view) {
  // task_success: one can's origin within 0.04 (xy) of each slot's floor
  // point. Each arm takes the can on its side to the slot on its side.
  Plan plan;
  const struct {
    Hand hand;
    const char* can;
    const char* slot;
  } moves[] = {{Hand::kLeft, "can_left", "plasticbox_slot0"}, {Hand::kRight, "can_right", "plasticbox_slot1"}};
  for (const auto& m : moves) {
    const std::string can = m.can, slot = m.slot;
    // Held high, the fingers closing along y: the open fingers then clear
    // the box's walls (they would wedge across a slot's width in x and lift the box).
    Append(plan, PickStages(TopDownAt(m.hand, can + "_top", kHighTopDepth, kPi / 2, kPi), can + "_pick"));
    PlaceSpec place;
    place.hand = m.hand;
    place.held = [can](const DualarmView& v) { return v.Origin(can); };
    place.spot = [slot](const DualarmView& v) { return Add(v.Site(slot), {0, 0, 0.003}); };
    place.clearance = 0.10;  // over the box's walls
    Append(plan, PlaceStages(place, can + "_place"));
    plan.push_back(ParkStage(m.hand, view.arm(m.hand), can + "_park"));
  }
  return plan;
}

}  // namespace gauntlet::policies::scripted::dualarm
