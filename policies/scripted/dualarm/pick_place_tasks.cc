// One arm picks one object and sets it down: place_container_plate,
// place_empty_cup, move_can_pot, place_a2b_left/right, stack_blocks_two,
// blocks_ranking_rgb, place_cans_plasticbox. The arm is the one on the
// object's side (x sign), as RoboTwin's experts choose it.
#include <cmath>

#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRimDepth = 0.015;  // the fingers pinch a container's wall this far below the rim

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

Plan PlaceEmptyCupPlan(const DualarmView&) { return {}; }
Plan MoveCanPotPlan(const DualarmView&) { return {}; }
Plan PlaceA2bPlan(const DualarmView&, bool) { return {}; }
Plan StackBlocksTwoPlan(const DualarmView&) { return {}; }
Plan BlocksRankingRgbPlan(const DualarmView&) { return {}; }
Plan PlaceCansPlasticboxPlan(const DualarmView&) { return {}; }

}  // namespace gauntlet::policies::scripted::dualarm
