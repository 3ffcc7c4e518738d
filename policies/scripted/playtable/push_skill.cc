#include "policies/scripted/playtable/push_skill.h"

#include "harness/policy.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
// Closed, the fingers cross and their pair spans 19 mm either side of the
// TCP along the closing axis, 11 mm across it.
constexpr double kPairHalfLong = 0.019;
constexpr double kPairHalfShort = 0.011;
constexpr double kGap = 0.012;          // between fingers and block before pushing
constexpr double kTipAboveSurface = 0.008;
constexpr double kPushStep = 0.01;
constexpr double kPushRun = 0.16;       // the rule needs 0.1
constexpr double kIntoDrawerY = -0.33;  // block centre pushed to (past the edge at -0.18)
}  // namespace

HandGoal AddPushBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                      double direction) {
  const BlockView b = ViewBlock(s, block);
  const double z = b.bottom + kTipAboveSurface + kTipBelowTcp;
  HandGoal at{{b.pos[0] - direction * (b.reach[0] + kPairHalfShort + kGap), b.pos[1], z}, HandDown(0.0), Grip::kClose};
  HandGoal above = at;
  above.position[2] = b.top + 0.05;
  AddTransit(script, from, above);
  script.AddPrecise("lower", at, 0.02, 1);
  at.position[0] += direction * kPushRun;
  script.Add("push", at, kPushStep);
  return at;
}

HandGoal AddPushIntoDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  int block = -1;
  for (int b = 0; b < kBlockCount; ++b) {
    if (ViewBlock(s, b).rest == Rest::kTable) block = b;
  }
  if (block < 0) throw PolicyError("playtable oracle: push_into_drawer but no block rests on the table");
  const BlockView b = ViewBlock(s, block);
  const double z = b.bottom + kTipAboveSurface + kTipBelowTcp;
  const double behind = b.pos[1] + b.reach[1] + kPairHalfShort + kGap;
  HandGoal at{{b.pos[0], behind, z}, HandDown(kPi / 2), Grip::kClose};
  HandGoal above = at;
  above.position[2] = b.top + 0.05;
  AddTransit(script, from, above);
  script.AddPrecise("lower", at, 0.02, 1);
  at.position[1] = kIntoDrawerY + (behind - b.pos[1]);
  script.Add("push", at, 0.012);
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
