#include "policies/scripted/playtable/rotate_skill.h"

#include "policies/scripted/playtable/block_grasp.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kRaise = 0.015;     // clear of the table while turning
constexpr double kTurn = kPi / 2 + 0.15;
constexpr double kDropHeight = 0.01;      // let go this far above the table (the hand lags 5 mm)
}  // namespace

HandGoal AddRotateBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                        double direction) {
  const BlockView b = ViewBlock(s, block);
  // Start the turn a quarter of the way to the other side, so the wrist ends
  // as far from its rest as it started.
  const BlockGrasp g = PlanBlockGrasp(s, b, kPi / 2 - direction * kPi / 4);
  AddTransit(script, from, g.approach);
  script.AddPrecise("reach", g.at, 0.01, 2);
  HandGoal at = g.at;
  at.grip = Grip::kClose;
  script.Add("grasp", at, 0.02, kPlaytableMotion.finger_travel_steps + 2);
  at.position[2] += kRaise;
  script.Add("raise", at, 0.01);
  at.euler[2] += direction * kTurn;
  script.Add("turn", at);
  // Let go a little above the table: the block lands with the hand off it
  // (the next subtask's rule may want it resting on the table alone).
  at.position[2] -= kRaise + 0.01;
  script.Add("set down", at, 0.003, 0, BlockBelow(block, b.bottom, kDropHeight));
  at.grip = Grip::kOpen;
  script.Add("let go", at, 0.02, kPlaytableMotion.finger_travel_steps);
  at.position[2] += 0.06;
  script.Add("back off", at);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
