#include "policies/scripted/playtable/button_skill.h"

#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kHover = 0.03;      // fingertips above the cap before pressing
constexpr double kPressDepth = 0.022; // fingertips below the cap's rest height (travel 0.02)
constexpr double kPressStep = 0.006;
constexpr int kPresses = 3;
}  // namespace

HandGoal AddPressButton(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const Vec3 top = RegionPos(s, "button_top");
  // The cap's rest height: its top now plus however far it is pressed.
  const double rest_z = top[2] + JointValue(s, "base__button");
  HandGoal hover{{top[0], top[1], rest_z + kHover + kTipBelowTcp}, HandDown(kPi / 2), Grip::kClose};
  AddTransit(script, from, hover);
  HandGoal press = hover;
  press.position[2] = rest_z - kPressDepth + kTipBelowTcp;
  for (int i = 0; i < kPresses; ++i) {
    script.Add("press", press, kPressStep, 4);
    script.Add("let up", hover, kPressStep, 2);
  }
  return hover;
}

}  // namespace gauntlet::policies::scripted::playtable
