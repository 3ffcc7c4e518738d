#include "policies/scripted/playtable/pick_skill.h"

#include <cmath>

#include "policies/scripted/playtable/block_grasp.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kReachStep = 0.01;
constexpr double kLiftStep = 0.012;
constexpr double kLiftFromShelf = 0.05;   // the rule needs 0.03; the roof is 0.17 above the shelf
constexpr double kLiftElsewhere = 0.09;   // the rule needs 0.05
constexpr double kShiftRaise = 0.012;     // carried this far above the table
constexpr double kShiftDrop = 0.01;       // and let go this far above it (the hand lags 5 mm)
}  // namespace

HandGoal AddShiftBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                       const std::array<double, 2>& to) {
  const BlockView b = ViewBlock(s, block);
  const BlockGrasp g = PlanBlockGrasp(s, b, kPi / 2, &to);
  AddTransit(script, from, g.approach);
  script.AddPrecise("reach", g.at, kReachStep, 2);
  HandGoal at = g.at;
  at.grip = Grip::kClose;
  script.Add("grasp", at, 0.02, kPlaytableMotion.finger_travel_steps + 2);
  at.position[2] += kShiftRaise;
  script.Add("raise", at, 0.01);
  at.position[0] += to[0] - b.pos[0];
  at.position[1] += to[1] - b.pos[1];
  script.Add("shift", at, 0.01, 2);
  at.position[2] -= kShiftRaise + 0.01;
  script.Add("set down", at, 0.003, 0, BlockBelow(block, b.bottom, kShiftDrop));
  at.grip = Grip::kOpen;
  script.Add("let go", at, 0.02, kPlaytableMotion.finger_travel_steps);
  at.position[2] += 0.06;
  script.Add("back off", at);
  return at;
}

int TopOfStack(const PrivilegedState& s) {
  for (int b = 0; b < kBlockCount; ++b) {
    if (ViewBlock(s, b).rest == Rest::kOnBlock) return b;
  }
  return -1;
}

HandGoal AddPickBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block) {
  const BlockView b = ViewBlock(s, block);
  const BlockGrasp g = PlanBlockGrasp(s, b, kPi / 2);
  AddTransit(script, from, g.approach);
  script.AddPrecise("reach", g.at, kReachStep, 2);
  HandGoal at = g.at;
  at.grip = Grip::kClose;
  script.Add("grasp", at, 0.02, kPlaytableMotion.finger_travel_steps + 2);
  at.position[2] += b.rest == Rest::kShelf ? kLiftFromShelf : kLiftElsewhere;
  script.Add("lift", at, kLiftStep);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
