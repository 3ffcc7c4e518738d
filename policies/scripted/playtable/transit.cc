#include "policies/scripted/playtable/transit.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/desk_view.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddTransit(WaypointScript& script, const HandGoal& from, const HandGoal& to) {
  const double cruise = std::max(kCruiseZ, to.position[2]);
  const double away = std::hypot(to.position[0] - from.position[0], to.position[1] - from.position[1]);
  HandGoal at = from;
  if (away > 0.01 && at.position[1] > 0.0 && at.position[2] < kRoofBottomZ) {
    at.position[1] = kCruiseMaxY;  // out from under the cabinet's roof first
    script.Add("come out", at);
  }
  if (away > 0.01 && at.position[2] < cruise - 0.005) {
    at.position[2] = cruise;
    script.Add("rise", at);
  }
  if (away > 0.01) {
    at = to;
    at.position[2] = std::max(cruise, from.position[2]);
    script.Add("cross", at);
  }
  script.Add("descend", to);
  return to;
}

}  // namespace gauntlet::policies::scripted::playtable
