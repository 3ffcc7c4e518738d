#include "policies/scripted/playtable/block_grasp.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kTipClearance = 0.006;     // lowest fingertip corner above the surface
constexpr double kDrawerTipClearance = 0.018;
constexpr double kFingerRoom = 0.015;       // m the TCP may sit off the block's centre
constexpr double kShelfYawSlack = 0.05;     // rad a shelf grasp turns from square
constexpr double kDoorPanelFrontY = 0.012;  // the sliding door's front face
constexpr double kPalmClearance = 0.003;
constexpr double kPalmMargin = 0.004;       // the trimmed hand settles within a few millimetres
constexpr double kMinShelfInset = 0.004;    // the fingertips reach just past the block's centre
// The leaning palm's deepest point behind the TCP (along -y): 0.11 m back
// along the tool axis, less its half thickness either way.
double PalmBehindTcp(double lean) { return 0.11 * std::sin(lean) - 0.025 * std::cos(lean) - 0.025 * std::sin(lean); }

// Whether the palm of a hand at `x` reaches the door's panel or past the
// shelf opening's ends.
bool PalmCramped(const PrivilegedState& s, double x) {
  const Span opening = ShelfOpening(s);
  const double reach = kPalmHalfSpan + kPalmMargin - 1e-6;
  return DoorClearance(s, x) < reach || x - reach < opening.lo || x + reach > opening.hi;
}
constexpr double kApproachDistance = 0.07;  // back along the tool axis
constexpr double kWantClearance = 0.006;    // fingers from other blocks, m
constexpr double kMinClearance = 0.003;
}  // namespace

double ShelfLean(const PrivilegedState& s, double x) { return PalmCramped(s, x) ? kShelfLeanFar : kShelfLean; }

double ShelfInset(const PrivilegedState& s, double x, double yaw, double block_y, double lean) {
  // How deep the palm may go: in front of the door's panel where its span
  // reaches the door, in front of the cabinet where it reaches past the
  // opening's ends, else anywhere (it stays below the roof).
  const Span opening = ShelfOpening(s);
  double limit = 1.0;
  if (DoorClearance(s, x) < kPalmHalfSpan) limit = kDoorPanelFrontY - kPalmClearance;
  if (x - kPalmHalfSpan < opening.lo || x + kPalmHalfSpan > opening.hi) {
    limit = std::min(limit, kCabinetFrontY - kPalmClearance);
  }
  // The palm's deepest point, for a TCP at depth y: y - kPalmBehindTcp, and
  // further in at one end when the hand is turned.
  const double deepest_tcp = limit + PalmBehindTcp(lean) - kPalmHalfSpan * std::abs(std::sin(yaw - kPi / 2));
  return std::max(kMinShelfInset, block_y - deepest_tcp);
}

namespace {

// The open fingers' footprints for a hand over `at` at heading `yaw`
// (HandDown), and how far they stay from the other blocks (their
// world-aligned boxes); negative where they overlap.
double FingerClearance(const PrivilegedState& s, const BlockView& b, const Vec3& at, double yaw) {
  const double cx = std::sin(yaw), cy = -std::cos(yaw);  // closing axis
  double clearance = 1.0;
  for (int other = 0; other < kBlockCount; ++other) {
    if (other == b.index) continue;
    const BlockView v = ViewBlock(s, other);
    if (v.top < b.bottom + 0.005 || v.bottom > b.top + 0.05) continue;  // not at the fingers' height
    for (double side : {-1.0, 1.0}) {
      const double mid = kOpenHalfGap + kFingerThickness / 2;
      const double fx = at[0] + side * mid * cx, fy = at[1] + side * mid * cy;
      // The finger as a box: half thickness along the closing axis, half width across.
      const double hx = std::abs(cx) * kFingerThickness / 2 + std::abs(cy) * kFingerHalfWidth;
      const double hy = std::abs(cy) * kFingerThickness / 2 + std::abs(cx) * kFingerHalfWidth;
      const double gx = std::abs(fx - v.pos[0]) - hx - v.reach[0];
      const double gy = std::abs(fy - v.pos[1]) - hy - v.reach[1];
      clearance = std::min(clearance, std::max(gx, gy));
    }
  }
  // The button's cap stands as high as the fingertips reach: a finger on it
  // presses it (and toggles the LED).
  const auto button = s.regions.find("button_top");
  if (button != s.regions.end() && b.bottom < button->second.pose.pos[2]) {
    const Vec3& c = button->second.pose.pos;
    const double r = button->second.half_size[0];
    for (double side : {-1.0, 1.0}) {
      const double mid = kOpenHalfGap + kFingerThickness / 2;
      const double fx = at[0] + side * mid * cx, fy = at[1] + side * mid * cy;
      clearance = std::min(clearance, std::hypot(fx - c[0], fy - c[1]) - r - kFingerHalfWidth);
    }
  }
  return clearance;
}

// A top-down grasp: of the headings that fit the block, and of TCPs along
// the closing axis that keep both fingers outside it, the one whose fingers
// clear the other blocks by kWantClearance nearest `preferred_yaw`, else the
// clearest.
double PlanTopGrasp(const PrivilegedState& s, const BlockView& b, double preferred_yaw, const SetDown* set_down,
                    Vec3* at, double* yaw) {
  double best_score = -1e9, best_clear = -1;
  for (int j = 0; j < 3; ++j) {
    const Vec3 axis{b.rot[j], b.rot[3 + j], b.rot[6 + j]};
    if (std::hypot(axis[0], axis[1]) < 0.7 || 2 * b.half[j] > 0.06) continue;
    const double base = std::atan2(-axis[0], axis[1]);
    const double slack = std::max(0.0, kOpenHalfGap - b.half[j] - 0.006);  // TCP off centre, keeping the block between
    for (int k = -2; k <= 2; ++k) {
      const double c = base + k * kPi;
      if (std::abs(c - preferred_yaw) > kPi / 2 + 0.01) continue;
      for (double shift : {0.0, -0.5, 0.5, -1.0, 1.0}) {
        const Vec3 p{b.pos[0] + shift * slack * std::sin(c), b.pos[1] - shift * slack * std::cos(c), at->at(2)};
        double clear = FingerClearance(s, b, p, c);
        if (set_down) {
          const Vec3 q{p[0] + (*set_down)[0] - b.pos[0], p[1] + (*set_down)[1] - b.pos[1], p[2]};
          clear = std::min(clear, FingerClearance(s, b, q, c));
        }
        const double score = std::min(clear, kWantClearance) * 1000 - std::abs(c - preferred_yaw) - 0.1 * std::abs(shift);
        if (score > best_score) {
          best_score = score;
          best_clear = clear;
          *at = p;
          *yaw = c;
        }
      }
    }
  }
  return best_clear;
}

}  // namespace

bool RoomToSetDown(const PrivilegedState& s, const BlockView& b, const SetDown& to) {
  Vec3 at = b.pos;
  double yaw = kPi / 2;
  return PlanTopGrasp(s, b, kPi / 2, &to, &at, &yaw) >= kMinClearance;
}

BlockGrasp PlanBlockGrasp(const PrivilegedState& s, const BlockView& b, double preferred_yaw, const SetDown* set_down) {
  double yaw = GraspYaw(b, preferred_yaw);
  BlockGrasp g;
  if (b.rest == Rest::kShelf) {
    // The palm, 19 cm long across the shelf, fits between the cabinet's end
    // and the door only square to the shelf; the closing fingers turn a
    // block standing a little askew square.
    yaw = kPi / 2 + std::clamp(WrapAngle(yaw - kPi / 2), -kShelfYawSlack, kShelfYawSlack);
    // The palm within the shelf's free span where the fingers still take
    // the block off its centre; else in front of what it reaches.
    const Span free = FreeShelfSpan(s, b.pos[0]);
    double x = b.pos[0];
    const double palm = kPalmHalfSpan + kPalmMargin;
    if (free.width() > 2 * palm) x = std::clamp(x, free.lo + palm, free.hi - palm);
    x = std::clamp(x, b.pos[0] - kFingerRoom, b.pos[0] + kFingerRoom);
    const double lean = ShelfLean(s, x);
    g.at.euler = HandLeaned(yaw, lean);
    // The fingertips' lowest corner sits below the TCP by the tip's reach
    // along the leaning axis plus half a finger's width.
    const double low = kTipBelowTcp * std::cos(lean) + kFingerHalfWidth * std::sin(lean);
    const double y = b.pos[1] - ShelfInset(s, x, yaw, b.pos[1], lean);
    g.at.position = {x, y, std::max(b.pos[2], b.bottom + low + kTipClearance)};
  } else {
    // In the drawer the fingertips keep well off its floor: the drawer
    // slides when they catch it.
    const double clearance = b.rest == Rest::kDrawer ? kDrawerTipClearance : kTipClearance;
    Vec3 at{b.pos[0], b.pos[1], std::max(b.pos[2], b.bottom + kTipBelowTcp + clearance)};
    PlanTopGrasp(s, b, preferred_yaw, set_down, &at, &yaw);
    g.at.euler = HandDown(yaw);
    g.at.position = at;
  }
  g.at.grip = Grip::kOpen;
  g.approach = g.at;
  const Vec3 axis = ToolAxis(g.at.euler);
  for (int i = 0; i < 3; ++i) g.approach.position[i] -= kApproachDistance * axis[i];
  return g;
}

std::function<bool(const PrivilegedState&)> BlockBelow(int block, double surface_z, double height) {
  return [block, surface_z, height](const PrivilegedState& st) {
    return ViewBlock(st, block).bottom < surface_z + height;
  };
}

HeldBlock MeasureHeldBlock(const PrivilegedState& s, int block) {
  const BlockView b = ViewBlock(s, block);
  const Mat3 hand = QuatToMatrix(s.eef.quat);
  HeldBlock h;
  h.index = block;
  const Vec3 d{b.pos[0] - s.eef.pos[0], b.pos[1] - s.eef.pos[1], b.pos[2] - s.eef.pos[2]};
  for (int i = 0; i < 3; ++i) {
    h.centre[i] = hand[i] * d[0] + hand[3 + i] * d[1] + hand[6 + i] * d[2];
    for (int j = 0; j < 3; ++j) {
      h.rotation[3 * i + j] = hand[i] * b.rot[j] + hand[3 + i] * b.rot[3 + j] + hand[6 + i] * b.rot[6 + j];
    }
  }
  h.half = b.half;
  return h;
}

Vec3 HandForBlockCentre(const HeldBlock& h, const Vec3& centre, const Euler& e) {
  const Vec3 offset = Apply(EulerToMatrix(e), h.centre);
  return {centre[0] - offset[0], centre[1] - offset[1], centre[2] - offset[2]};
}

double BlockDepthBelowCentre(const HeldBlock& h, const Euler& e) {
  const Mat3 r = Multiply(EulerToMatrix(e), h.rotation);
  double depth = 0;
  for (int j = 0; j < 3; ++j) depth += std::abs(r[6 + j]) * h.half[j];
  return depth;
}

}  // namespace gauntlet::policies::scripted::playtable
