#include "policies/scripted/playtable/disengage.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddDisengage(WaypointScript& script, const PrivilegedState& s, const HandGoal& now, bool keep_block) {
  HandGoal at = now;
  if (keep_block) return at;
  if (at.grip == Grip::kClose || HandClosed(s)) {
    at.grip = Grip::kOpen;
    script.Add("let go", at, 0.02, kPlaytableMotion.finger_travel_steps);
  }
  const Vec3 axis = ToolAxis(at.euler);
  const bool pointing_down = axis[2] < -0.95;
  const bool low = at.position[2] < kCruiseZ - 0.01;
  if (!pointing_down || low) {
    // Straight back from what the fingers reached for.
    const double back = 0.05;
    for (int i = 0; i < 3; ++i) at.position[i] -= back * axis[i];
    script.Add("back off", at);
  }
  if (at.position[1] > kCruiseMaxY && at.position[2] < kRoofBottomZ + 0.02) {
    at.position[1] = kCruiseMaxY;  // out of the cabinet at the height the hand is at
    script.Add("come out", at);
  }
  if (at.position[2] < kCruiseZ) {
    at.position[2] = kCruiseZ;
    script.Add("rise", at);
  }
  const Euler down = HandDown(kPi / 2);
  if (!pointing_down || std::abs(WrapAngle(at.euler[2] - kPi / 2)) > 1.2) {
    at.euler = NearestEuler(down, at.euler);
    script.Add("point down", at);
  }
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
