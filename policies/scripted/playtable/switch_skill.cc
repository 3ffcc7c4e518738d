#include "policies/scripted/playtable/switch_skill.h"

#include <algorithm>

#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kLean = 0.35;          // rad
const Vec3 kRail = {0.0, 0.5, 0.8660254};  // the switch's axis (up and back)
constexpr double kLeverHalfDepth = 0.02;   // the handle region's half depth along y
constexpr double kInset = 0.02;         // TCP behind the lever's front face
constexpr double kFingerTipRoom = 0.008;  // the fingertips short of the cabinet's face
constexpr double kBelowCentre = 0.006;    // TCP below the lever's middle: the fingers cover all of its 2 cm
constexpr double kTravel = 0.075;       // along the rail; the bulb switches at 0.044 of 0.088
constexpr double kSlideStep = 0.008;
}  // namespace

HandGoal AddSlideSwitch(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, bool up) {
  const Vec3 h = RegionPos(s, "switch_handle");
  const double front = h[1] - kLeverHalfDepth;
  // As deep on the lever as it stands out of the cabinet allows.
  const double inset = std::min(kInset, kCabinetFrontY - front - kFingerTipRoom);
  HandGoal at{{h[0], front + inset, h[2] - kBelowCentre}, HandLeaned(kPi / 2, kLean), Grip::kOpen};
  HandGoal above = at;
  above.position[2] += 0.06;
  AddTransit(script, from, above);
  script.AddPrecise("lower", at, 0.01, 2);
  at.grip = Grip::kClose;
  script.Add("pinch", at, 0.02, kPlaytableMotion.finger_travel_steps);
  const double sign = up ? 1.0 : -1.0;
  for (int i = 0; i < 3; ++i) at.position[i] += sign * kTravel * kRail[i];
  script.Add(up ? "slide up" : "slide down", at, kSlideStep);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
