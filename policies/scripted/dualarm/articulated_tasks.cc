// Doors and drawers: open_microwave (the door's handle pulled along its
// arc), put_object_cabinet (the drawer pulled out, then the object placed in it).
#include <cmath>

#include "policies/scripted/dualarm/articulated_skill.h"
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr int kPullAttempts = 3;
constexpr double kPi = 3.14159265358979323846;
// A gripper command leaving each finger ~1 cm from the centre on every
// embodiment (finger targets -0.01 + g (open - -0.01), open 0.038-0.045 m).
constexpr double kStraddleOpening = 0.38;
constexpr double kDrawerSpotShift = 0.02;

// A hand closing on a bar handle from in front of its face: the approach
// along the face's inward normal (the handle site's +y: handles stand off
// toward -y of their face), fingers across the bar.
GraspSpec HandleGrasp(Hand hand, const std::string& owner, double pitch) {
  GraspSpec g;
  g.hand = hand;
  g.point = [owner](const DualarmView& v) { return v.Site(owner + "_handle"); };
  g.orientation = [owner, pitch](const DualarmView& v) {
    const Vec3 inward = Rotate(v.ArticulationOf(owner).handle->quat, {0, 1, 0});
    return Angled(std::atan2(inward[1], inward[0]), pitch);
  };
  g.approach = 0.08;
  g.lift = 0;
  return g;
}

}  // namespace

Plan OpenMicrowavePlan(const DualarmView& view) {
  // task_success: the door at >= 0.6 of its upper limit; the articulation's
  // "open" target is 0.7 of it.
  const double target = view.ArticulationOf("microwave").targets.at("open");
  const auto open = [target](const StageContext& c) { return c.view.ArticulationOf("microwave").q >= target; };
  Plan plan;
  // A grip that slips (or an arm that cannot follow the arc further) lets
  // go and takes the handle again where it now is, up to kPullAttempts times.
  for (int attempt = 0; attempt < kPullAttempts; ++attempt) {
    const std::string n = std::to_string(attempt);
    std::vector<Stage> round = PickStages(HandleGrasp(Hand::kLeft, "microwave", 0.0), "grasp" + n);
    JointPull pull;
    pull.hand = Hand::kLeft;
    pull.owner = "microwave";
    pull.target = target;
    // The hand turns half as much as the door (the bar twists in the
    // fingers): the wrist stays within its range to past the success
    // angle on every embodiment (a full turn loses aloha's grip near 60
    // degrees, a 0.3 rad pitched approach loses piper's).
    pull.turn = 0.5;
    round.push_back(JointPullStage(pull, "pull" + n));
    Append(round, ReleaseStages(Hand::kLeft, 0.08, 0.0, "let_go" + n));
    for (Stage& s : round) s.skip = open;
    Append(plan, std::move(round));
  }
  return plan;
}

Plan PutObjectCabinetPlan(const DualarmView& view) {
  // task_success: the object's centre within 0.05 (xy) of the drawer's floor
  // point, 0.007-0.12 above it, the placing gripper open. The arm away from
  // the object pulls the drawer out and holds it; the object's arm places.
  const Hand placer = HandFor(view.Origin("object")[0]);
  const Hand opener = Other(placer);
  Plan plan;
  // Top-down over the horizontal bar, fingers part way open so the back one
  // fits between the bar and the drawer's front, closing along the slide.
  GraspSpec bar;
  bar.hand = opener;
  bar.point = [](const DualarmView& v) { return v.Site("cabinet_handle"); };
  bar.orientation = [opener](const DualarmView& v) {
    const PrivilegedState::Articulation& art = v.ArticulationOf("cabinet");
    return ReachingTopDown(opener, v.Site("cabinet_handle"), std::atan2(art.axis[1], art.axis[0]), kPi);
  };
  bar.open_to = kStraddleOpening;
  bar.lift = 0;
  Append(plan, PickStages(bar, "grasp"));
  JointPull pull;
  pull.hand = opener;
  pull.owner = "cabinet";
  pull.target = view.ArticulationOf("cabinet").targets.at("open");
  pull.rate = 0.004;
  pull.lead = 0.03;
  plan.push_back(JointPullStage(pull, "pull"));
  Append(plan, PickStages(SmallObjectGrasp(placer, "object"), "pick"));
  PlaceSpec place;
  place.hand = placer;
  place.held = [](const DualarmView& v) { return v.Origin("object"); };
  // A little toward the robot from the floor's centre: the fingers stay
  // clear of the cabinet's front.
  place.spot = [](const DualarmView& v) { return Add(v.Site("cabinet_drawer_point"), {0, -kDrawerSpotShift, 0.004}); };
  place.clearance = 0.10;  // over the drawer's walls
  Append(plan, PlaceStages(place, "place"));
  return plan;
}

}  // namespace gauntlet::policies::scripted::dualarm
