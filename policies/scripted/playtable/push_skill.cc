#include "policies/scripted/playtable/push_skill.h"

#include <cmath>

#include "harness/policy.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
// Closed, the fingers cross and their pair spans 19 mm either side of the
// TCP along the closing axis, 11 mm across it.
constexpr double kPairHalfShort = 0.011;
constexpr double kGap = 0.012;          // between fingers and block before pushing
constexpr double kGapBehind = 0.02;     // behind a block (it may stand turned)
constexpr double kDrawerWallMargin = 0.03;
constexpr double kTipAboveSurface = 0.008;
constexpr double kPushStep = 0.01;
constexpr double kStandOff = 0.015;
constexpr double kFinishStep = 0.004;
constexpr double kSlowAfter = 0.08;     // m pushed before the last, slow part
constexpr double kPushRun = 0.16;       // the rule needs 0.1
constexpr double kPastEdge = 0.05;      // block pushed this far past the table's edge
constexpr double kTipPast = 0.012;      // its centre this far past the edge, it tips over
constexpr double kIntoDrawerStep = 0.008;
constexpr double kHandleToFrontWall = 0.039;  // the drawer's front wall (inner face) behind its handle bar
}  // namespace

HandGoal AddPushBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                      double direction, bool stop_short) {
  const BlockView b = ViewBlock(s, block);
  const double z = b.bottom + kTipAboveSurface + kTipBelowTcp;
  HandGoal at{{b.pos[0] - direction * (b.reach[0] + kPairHalfShort + kGap), b.pos[1], z}, HandDown(0.0), Grip::kClose};
  HandGoal above = at;
  above.position[2] = b.top + 0.05;
  AddTransit(script, from, above);
  script.AddPrecise("lower", at, 0.02, 1);
  HandGoal push = at;
  push.position[0] += direction * kPushRun;
  const double x0 = b.pos[0];
  if (!stop_short) {
    // All the way, slowly over the last centimetres: the hand overshoots by
    // its lag once the rule holds, toward the block it may be pushing at.
    script.Add("push", push, kPushStep, 0, [block, x0, direction](const PrivilegedState& st) {
      return direction * (ViewBlock(st, block).pos[0] - x0) >= kSlowAfter;
    });
    script.Add("push", push, kFinishStep);
    return push;
  }
  // Pushed most of the way; the rest (push_skill.h) the block is carried.
  script.Add("push", push, kPushStep, 0, [block, x0, direction](const PrivilegedState& st) {
    return direction * (ViewBlock(st, block).pos[0] - x0) >= kPushedBeforeCarry;
  });
  // Off the block: the target stops a step back.
  script.AddLive({"stop", [direction](const PrivilegedState& st) {
                    HandGoal g{st.eef.pos, HandDown(0.0), Grip::kClose};
                    g.position[0] -= direction * kStandOff;
                    return g;
                  }, 0.02, 0.05, 2, nullptr, false});
  return push;
}

int TableBlock(const PrivilegedState& s) {
  int block = -1;
  for (int b = 0; b < kBlockCount; ++b) {
    if (ViewBlock(s, b).rest == Rest::kTable) block = b;
  }
  return block;
}

bool FallsIntoDrawer(const PrivilegedState& s, int block) {
  const auto it = s.regions.find("drawer_inside");
  if (it == s.regions.end()) return false;
  const BlockView b = ViewBlock(s, block);
  const double half = it->second.half_size[0] - b.reach[0] - kDrawerWallMargin;
  return std::abs(b.pos[0] - it->second.pose.pos[0]) < half;
}

HandGoal AddPushIntoDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block) {
  const BlockView b = ViewBlock(s, block);
  const double z = b.bottom + kTipAboveSurface + kTipBelowTcp;
  const double behind = b.pos[1] + b.reach[1] + kPairHalfShort + kGapBehind;
  HandGoal at{{b.pos[0], behind, z}, HandDown(kPi / 2), Grip::kClose};
  HandGoal above = at;
  above.position[2] = b.top + 0.05;
  AddTransit(script, from, above);
  script.AddPrecise("lower", at, 0.02, 1);
  // Until the block's centre is well past the table's edge, short of the
  // drawer's front wall (the drawer may be open less than all the way).
  const Vec3 handle = RegionPos(s, "drawer_handle");
  const double front_wall = handle[1] + kHandleToFrontWall;
  const double y = std::max(kDeskFrontY - b.reach[1] - kPastEdge, front_wall + b.reach[1] + 0.01);
  at.position[1] = y + (behind - b.pos[1]);
  // Once its centre is past the edge the block tips over and falls on its
  // own: the hand stops and draws back (pushing on a tipping block squeezes
  // it against the edge and throws it); it pushes on only if the block
  // stays.
  const HandGoal push = at;
  script.Add("push", push, kIntoDrawerStep, 0, [block](const PrivilegedState& st) {
    return ViewBlock(st, block).pos[1] < kDeskFrontY - kTipPast;
  });
  script.AddLive({"let fall", [](const PrivilegedState& st) {
                    HandGoal g{st.eef.pos, HandDown(kPi / 2), Grip::kClose};
                    g.position[1] += 0.02;
                    g.position[2] += 0.03;
                    return g;
                  }, 0.02, 0.05, 12, nullptr, false});
  script.Add("push", push, kIntoDrawerStep);
  return push;
}

}  // namespace gauntlet::policies::scripted::playtable
