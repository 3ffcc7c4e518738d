#include "policies/scripted/playtable/disengage.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/block_grasp.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
// Where a block may be set down on the table: in reach, clear of the
// button, of the table's edges and of the other blocks.
constexpr double kSpotLowX = -0.02, kSpotHighX = 0.28;
constexpr double kSpotY = -0.11;
constexpr double kClearOfBlocks = 0.08;  // centre to centre

// A free spot on the table near `x`.
Vec3 FreeTableSpot(const PrivilegedState& s, int held, double x) {
  double best = x, best_cost = 1e9;
  for (int k = 0; k <= 30; ++k) {
    const double cx = kSpotLowX + (kSpotHighX - kSpotLowX) * k / 30;
    double clearance = 1.0;
    for (int b = 0; b < kBlockCount; ++b) {
      if (b == held) continue;
      const BlockView v = ViewBlock(s, b);
      clearance = std::min(clearance, std::hypot(v.pos[0] - cx, v.pos[1] - kSpotY));
    }
    const double cost = std::abs(cx - x) + (clearance < kClearOfBlocks ? 10.0 : 0.0);
    if (cost < best_cost) {
      best_cost = cost;
      best = cx;
    }
  }
  return {best, kSpotY, kTableTopZ};
}
}  // namespace

HandGoal AddLetGoFirst(WaypointScript& script, const PrivilegedState& s, const HandGoal& now) {
  HandGoal at = now;
  const int held = HeldBlockIndex(s);
  if (held >= 0 && ToolAxis(at.euler)[2] < -0.9) {
    const HeldBlock h = MeasureHeldBlock(s, held);
    const Vec3 spot = FreeTableSpot(s, held, s.eef.pos[0]);
    const double depth = BlockDepthBelowCentre(h, at.euler);
    Vec3 hand = HandForBlockCentre(h, {spot[0], spot[1], spot[2] + depth + 0.004}, at.euler);
    HandGoal over = at;
    over.position = {hand[0], hand[1], std::max(at.position[2], hand[2] + 0.05)};
    script.Add("carry aside", over);
    at.position = hand;
    script.Add("set down", at, 0.008, 2);
  }
  if (at.grip == Grip::kClose || HandClosed(s)) {
    at.grip = Grip::kOpen;
    script.Add("let go", at, 0.02, kPlaytableMotion.finger_travel_steps);
  }
  return at;
}

HandGoal AddWithdraw(WaypointScript& script, const HandGoal& now) {
  HandGoal at = now;
  at.grip = Grip::kOpen;
  const Vec3 axis = ToolAxis(at.euler);
  const bool pointing_down = axis[2] < -0.95;
  const double cruise = CruiseZ(at.position[0]);
  const bool low = at.position[2] < cruise - 0.01;
  if (!pointing_down || low) {
    // Straight back from what the fingers reached for.
    const double back = 0.05;
    for (int i = 0; i < 3; ++i) at.position[i] -= back * axis[i];
    script.Add("back off", at);
  }
  if (at.position[0] > kFarRightX + 0.02 && at.position[1] < kCruiseMaxY) {
    // Toward the desk's middle before rising: up high over its right end the
    // arm is at the edge of its reach.
    at.position[0] = kFarRightX;
    at.position[2] += 0.03;
    script.Add("come in", at);
  }
  if (at.position[1] > kCruiseMaxY && at.position[2] < kRoofBottomZ + 0.02) {
    at.position[1] = kCruiseMaxY;  // out of the cabinet at the height the hand is at
    script.Add("come out", at);
  }
  const Euler down = HandDown(kPi / 2);
  const bool turn = !pointing_down || std::abs(WrapAngle(at.euler[2] - kPi / 2)) > 1.2;
  if (at.position[2] < cruise) {
    at.position[2] = cruise;
    // Turning down on the way up once clear of the desk below.
    if (turn && at.position[2] - now.position[2] > 0.08) at.euler = NearestEuler(down, at.euler);
    script.Add("rise", at);
  }
  if (turn) {
    at.euler = NearestEuler(down, at.euler);
    script.Add("point down", at);
  }
  return at;
}

}  // namespace gauntlet::policies::scripted::playtable
