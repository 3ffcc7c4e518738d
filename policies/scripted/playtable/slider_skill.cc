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
}  // namespace

HandGoal AddMoveSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double direction) {
  const Vec3 h = RegionPos(s, "slide_handle");
  HandGoal at{{h[0], h[1] - kFrontOffset, h[2] - kBelowCentre}, HandLeaned(kPi / 2, kLean), Grip::kOpen};
  AddTransit(script, from, at);
  at.position[0] += direction * kPushDistance;
  script.Add("push door", at, kPushStep);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
