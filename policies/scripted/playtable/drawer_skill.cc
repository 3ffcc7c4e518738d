#include "policies/scripted/playtable/drawer_skill.h"

#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
// Level, the tool axis along +y, the fingers closing along -z (roll -pi/2).
const Euler kPointIntoDesk = {-kPi / 2, 0.0, 0.0};
constexpr double kAboveBar = 0.026;     // TCP above the bar's centre while pinching
constexpr double kReachPast = 0.005;  // TCP past the bar's centre: the fingertips near the drawer's front
constexpr double kTurnAt = 0.13;        // m in front of the bar where the hand turns level
constexpr double kPull = 0.12 + 0.08;   // the rule needs 0.12 m
constexpr double kPush = 0.12 + 0.06;
constexpr double kSlowStep = 0.01;
}  // namespace

HandGoal AddOpenDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const Vec3 h = RegionPos(s, "drawer_handle");
  HandGoal at{{h[0], h[1] - kTurnAt, h[2] + 0.09}, HandDown(kPi / 2), Grip::kOpen};
  AddTransit(script, from, at);
  at.euler = kPointIntoDesk;
  script.Add("turn level", at);
  at.position = {h[0], h[1] - 0.05, h[2] + kAboveBar};
  // Level with the bar, a little in front of it, the hand is free: correct
  // the controller's error here, the fingers then pass 7 mm from the bar.
  script.AddPrecise("line up", at, 0.02, 2);
  at.position[1] = h[1] + kReachPast;
  script.Add("reach bar", at, kSlowStep, 4);
  at.grip = Grip::kClose;
  script.Add("pinch", at, 0.02, kPlaytableMotion.finger_travel_steps + 2);
  at.position[1] = h[1] - kPull;
  script.Add("pull", at, kSlowStep);
  return at;
}

HandGoal AddCloseDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const Vec3 h = RegionPos(s, "drawer_handle");
  // The closed fingertips level with the bar's upper half, just in front of it.
  HandGoal at{{h[0], h[1] - 0.04, h[2] + 0.004}, HandDown(kPi / 2), Grip::kClose};
  HandGoal above = at;
  above.position[2] = h[2] + 0.10;
  AddTransit(script, from, above);
  script.Add("lower", at);
  at.position[1] = h[1] + kPush;
  script.Add("push drawer", at, 0.012);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
