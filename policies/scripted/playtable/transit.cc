#include "policies/scripted/playtable/transit.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/desk_view.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddTransit(WaypointScript& script, const HandGoal& from, const HandGoal& to) {
  const double cruise = std::max(CruiseZ(std::max(from.position[0], to.position[0])), to.position[2]);
  const double away = std::hypot(to.position[0] - from.position[0], to.position[1] - from.position[1]);
  HandGoal at = from;
  if (away < 0.01) {
    script.Add("descend", to);
    return to;
  }
  // In front of the cabinet while going down and across: the door's handle
  // and the switch stand out to y = -0.03.
  const double front_y = std::min(to.position[1], kCruiseMaxY);
  if (at.position[1] > kCruiseMaxY && at.position[2] < kRoofBottomZ) {
    at.position[1] = kCruiseMaxY;  // out from under the cabinet's roof first
    script.Add("come out", at);
  }
  if (at.position[2] < cruise - 0.005) {
    at.position[2] = cruise;
    script.Add("rise", at);
  }
  at = to;
  at.position[1] = front_y;
  at.position[2] = std::max(cruise, from.position[2]);
  script.Add("cross", at);
  at.position[2] = to.position[2];
  // The hand is free above the workplace or in front of it: correct the
  // controller's error there (StoredTarget::Trim) before going on.
  script.AddPrecise("descend", at, 0.02, 0);
  if (front_y < to.position[1]) script.Add("go in", to, 0.015, 2);
  return to;
}

}  // namespace gauntlet::policies::scripted::playtable
