#include "policies/scripted/playtable/slider_skill.h"

#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kLean = 0.2;          // rad
constexpr double kFrontOffset = 0.012; // TCP in front of the handle's centre (m)
constexpr double kBelowCentre = 0.01;  // and below it, the fingers covering its lower half
// The door must move 0.15 m; the trailing finger first crosses its gap to
// the handle.
constexpr double kPushDistance = 0.15 + (kOpenHalfGap - 0.012) + 0.04;
constexpr double kPushStep = 0.012;    // m per step
constexpr double kHandleHalfWidth = 0.012;
constexpr double kDoorMargin = 0.01;   // m of free shelf beyond the palm
constexpr double kOverPush = 0.02;     // pushing into the door's stop
}  // namespace

HandGoal AddMoveSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double direction,
                       double distance) {
  const Vec3 h = RegionPos(s, "slide_handle");
  // Straddling the handle, the trailing finger to its side.
  HandGoal at{{h[0], h[1] - kFrontOffset, h[2] - kBelowCentre}, HandLeaned(kPi / 2, kLean), Grip::kOpen};
  AddTransit(script, from, at);
  const double run = distance > 0 ? distance + (kOpenHalfGap - kHandleHalfWidth) : kPushDistance;
  at.position[0] += direction * run;
  script.Add("push door", at, kPushStep);
  return at;
}

bool DoorInTheWay(const PrivilegedState& s, double x) { return DoorClearance(s, x) < kPalmHalfSpan + kDoorMargin; }

HandGoal AddClearDoor(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double x) {
  const double door = RegionPos(s, "slide_handle")[0];
  const double q = JointValue(s, "base__slide");
  const auto it = s.articulations.find("base__slide");
  const double q_high = it == s.articulations.end() ? 0.28 : it->second.targets.at("high");
  // The door's + is toward -x: away from a spot right of the door means
  // toward its high end.
  const bool toward_low_x = x > door;
  const double distance = toward_low_x ? q_high - q : q;
  HandGoal at = AddMoveSlider(script, s, from, toward_low_x ? -1.0 : 1.0, distance + kOverPush);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
