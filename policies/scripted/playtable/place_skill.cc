#include "policies/scripted/playtable/place_skill.h"

#include <algorithm>
#include <cmath>

#include "harness/policy.h"
#include "policies/scripted/playtable/block_grasp.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/transit.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kDropHeight = 0.006;   // block's lowest point above its spot when let go
constexpr double kLowerStep = 0.008;
// Block centre on the shelf (the start spots'), less the hand's inset
// (block_grasp.h: ShelfInset).
constexpr double kShelfSpotY = 0.0924;
constexpr double kInsertRun = 0.09;     // m the hand moves in along +y
constexpr double kSpotMargin = 0.065;   // block centre from the door or the cabinet's end

HeldBlock HeldOrThrow(const PrivilegedState& s, const char* task) {
  const int held = HeldBlockIndex(s);
  if (held < 0) throw PolicyError(std::string("playtable oracle: ") + task + " but the hand holds no block");
  return MeasureHeldBlock(s, held);
}

// Opens the hand and backs off along the tool axis.
HandGoal AddLetGo(WaypointScript& script, HandGoal at) {
  at.grip = Grip::kOpen;
  script.Add("let go", at, 0.02, kPlaytableMotion.finger_travel_steps);
  const Vec3 axis = ToolAxis(at.euler);
  for (int i = 0; i < 3; ++i) at.position[i] -= 0.05 * axis[i];
  script.Add("back off", at);
  return at;
}

// x on the free part of the shelf, away from blocks already there.
double ShelfSpotX(const PrivilegedState& s, int held) {
  const Span opening = ShelfOpening(s);
  const double door = RegionPos(s, "slide_handle")[0];
  // The wider side of the door.
  const Span free = door - opening.lo > opening.hi - door ? FreeShelfSpan(s, opening.lo) : FreeShelfSpan(s, opening.hi);
  const double lo = free.lo + kSpotMargin, hi = std::max(free.lo + kSpotMargin, free.hi - kSpotMargin);
  double best = (lo + hi) / 2, best_score = -1e9;
  for (int k = 0; k <= 12; ++k) {
    const double x = lo + (hi - lo) * k / 12;
    double gap = 1.0;
    for (int b = 0; b < kBlockCount; ++b) {
      if (b == held) continue;
      const BlockView v = ViewBlock(s, b);
      if (v.rest != Rest::kShelf) continue;
      gap = std::min(gap, std::abs(v.pos[0] - x) - v.reach[0]);
    }
    // Room for the fingers beside the block there; then the middle.
    const double score = std::min(gap, 0.07) - 0.01 * std::abs(x - (lo + hi) / 2);
    if (score > best_score) {
      best_score = score;
      best = x;
    }
  }
  return best;
}

}  // namespace

HandGoal AddPlaceInSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const HeldBlock h = HeldOrThrow(s, "place_in_slider");
  HandGoal at = from;
  at.grip = Grip::kClose;
  if (from.position[1] > 0.0) {
    // Still in the shelf (just lifted from it): set it back down here.
    const Vec3 centre = Apply(EulerToMatrix(at.euler), h.centre);
    Vec3 c{from.position[0] + centre[0], from.position[1] + centre[1], 0};
    c[2] = kShelfTopZ + BlockDepthBelowCentre(h, at.euler) + kDropHeight;
    at.position = HandForBlockCentre(h, c, at.euler);
    script.Add("lower", at, kLowerStep, 2);
    return AddLetGo(script, at);
  }
  // Square to the shelf (the fingers closing along x) to lean in; the
  // block turns with the hand.
  const double yaw = from.euler[2] + WrapAngle(kPi / 2 - from.euler[2] - kPi * std::round((kPi / 2 - from.euler[2]) / kPi));
  const double x = ShelfSpotX(s, h.index);
  // Leaning far: the held block goes in tilted over the shelf and settles
  // flat once let go (at the smaller lean it lands on the plank's edge).
  const double lean = kShelfLeanFar;
  at.euler = HandLeaned(yaw, lean);
  const double depth = BlockDepthBelowCentre(h, at.euler);
  const Vec3 centre{x, kShelfSpotY - ShelfInset(s, x, yaw, kShelfSpotY, lean), kShelfTopZ + depth + kDropHeight};
  at.position = HandForBlockCentre(h, centre, at.euler);
  HandGoal front = at;
  front.position[1] -= kInsertRun;
  AddTransit(script, from, front);
  script.Add("insert", at, 0.01, 2);
  return AddLetGo(script, at);
}

HandGoal AddPlaceInDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const HeldBlock h = HeldOrThrow(s, "place_in_drawer");
  const double q = JointValue(s, "base__drawer");
  const Vec3 inside = RegionPos(s, "drawer_inside");
  // The drawer's floor out in front of the table top, clear of both.
  const double front_wall = -0.17 - q;
  const double y = std::min((front_wall + 0.035 + kDeskFrontY - 0.05) / 2, kDeskFrontY - 0.05);
  double x = inside[0], best_gap = -1;
  for (double cand : {inside[0], inside[0] - 0.1, inside[0] + 0.1}) {
    double gap = 1.0;
    for (int b = 0; b < kBlockCount; ++b) {
      if (b == h.index) continue;
      const BlockView v = ViewBlock(s, b);
      if (v.rest == Rest::kDrawer) gap = std::min(gap, std::hypot(v.pos[0] - cand, v.pos[1] - y));
    }
    if (gap > best_gap + 0.02) {
      best_gap = gap;
      x = cand;
    }
  }
  HandGoal at = from;
  at.grip = Grip::kClose;
  const double depth = BlockDepthBelowCentre(h, at.euler);
  at.position = HandForBlockCentre(h, {x, y, kDrawerFloorZ + depth + kDropHeight}, at.euler);
  HandGoal above = at;
  above.position[2] += 0.08;
  AddTransit(script, from, above);
  script.Add("lower", at, kLowerStep, 2);
  return AddLetGo(script, at);
}

HandGoal AddStackBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from) {
  const HeldBlock h = HeldOrThrow(s, "stack_block");
  int base = -1;
  double nearest = 1e9;
  for (int b = 0; b < kBlockCount; ++b) {
    if (b == h.index) continue;
    const BlockView v = ViewBlock(s, b);
    if (v.rest != Rest::kTable) continue;
    const double d = std::hypot(v.pos[0] - s.eef.pos[0], v.pos[1] - s.eef.pos[1]);
    if (d < nearest) {
      nearest = d;
      base = b;
    }
  }
  if (base < 0) throw PolicyError("playtable oracle: stack_block but no block rests on the table");
  const BlockView b = ViewBlock(s, base);
  HandGoal at = from;
  at.grip = Grip::kClose;
  const double depth = BlockDepthBelowCentre(h, at.euler);
  at.position = HandForBlockCentre(h, {b.pos[0], b.pos[1], b.top + depth + kDropHeight}, at.euler);
  HandGoal above = at;
  above.position[2] += 0.06;
  AddTransit(script, from, above);
  script.Add("lower", at, kLowerStep, 3);
  return AddLetGo(script, at);
}

}  // namespace gauntlet::policies::scripted::playtable
