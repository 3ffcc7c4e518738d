#include "policies/scripted/playtable/desk_view.h"

#include <cmath>

#include "harness/policy.h"
#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

const char* BlockBody(int block) {
  static const char* names[kBlockCount] = {"block_red", "block_blue", "block_pink"};
  return names[block];
}

const char* RestName(Rest rest) {
  switch (rest) {
    case Rest::kTable: return "table";
    case Rest::kShelf: return "shelf";
    case Rest::kDrawer: return "drawer";
    case Rest::kOnBlock: return "on a block";
    case Rest::kOther: break;
  }
  return "other";
}

BlockView ViewBlock(const PrivilegedState& s, int block) {
  const auto it = s.objects.find(BlockBody(block));
  if (it == s.objects.end()) throw PolicyError(std::string("playtable oracle: no ") + BlockBody(block) + " in the state");
  const PrivilegedState::Body& body = it->second;
  BlockView b;
  b.index = block;
  b.pos = body.pose.pos;
  b.rot = QuatToMatrix(body.pose.quat);
  b.half = body.half_extent;
  for (int i = 0; i < 3; ++i) {
    b.reach[i] = 0;
    for (int j = 0; j < 3; ++j) b.reach[i] += std::abs(b.rot[3 * i + j]) * b.half[j];
  }
  b.bottom = b.pos[2] - b.reach[2];
  b.top = b.pos[2] + b.reach[2];
  const double y = b.pos[1];
  if (std::abs(b.bottom - kTableTopZ) < 0.01 && y < kCabinetFrontY && y > kDeskFrontY) {
    b.rest = Rest::kTable;
  } else if (std::abs(b.bottom - kShelfTopZ) < 0.012 && y > kCabinetFrontY) {
    b.rest = Rest::kShelf;
  } else if (b.bottom < kDrawerWallTopZ && b.bottom > kDrawerFloorZ - 0.01) {
    b.rest = Rest::kDrawer;
  } else {
    for (int other = 0; other < kBlockCount; ++other) {
      if (other == block) continue;
      const auto o = s.objects.find(BlockBody(other));
      if (o == s.objects.end()) continue;
      const Vec3& p = o->second.pose.pos;
      if (std::hypot(p[0] - b.pos[0], p[1] - b.pos[1]) < 0.05 && b.pos[2] > p[2] + 0.02) b.rest = Rest::kOnBlock;
    }
  }
  return b;
}

bool HandClosed(const PrivilegedState& s) { return s.gripper_opening < kClosedBelow; }

int HeldBlockIndex(const PrivilegedState& s) {
  if (!HandClosed(s) || s.gripper_opening < kHoldsAbove) return -1;
  const Mat3 r = QuatToMatrix(s.eef.quat);
  for (int b = 0; b < kBlockCount; ++b) {
    const BlockView v = ViewBlock(s, b);
    // The block's centre in the hand frame: between the fingers (small y),
    // near the tool axis, within the fingers' length.
    Vec3 d{v.pos[0] - s.eef.pos[0], v.pos[1] - s.eef.pos[1], v.pos[2] - s.eef.pos[2]};
    const Vec3 local{r[0] * d[0] + r[3] * d[1] + r[6] * d[2], r[1] * d[0] + r[4] * d[1] + r[7] * d[2],
                     r[2] * d[0] + r[5] * d[1] + r[8] * d[2]};
    if (std::abs(local[1]) < 0.03 && std::abs(local[0]) < 0.05 && local[2] < 0.03 && local[2] > -0.06) return b;
  }
  return -1;
}

double GraspYaw(const BlockView& b, double preferred) {
  double best = preferred;
  double best_cost = 1e9;
  for (int j = 0; j < 3; ++j) {
    const Vec3 axis{b.rot[j], b.rot[3 + j], b.rot[6 + j]};
    const double horizontal = std::hypot(axis[0], axis[1]);
    if (horizontal < 0.7 || 2 * b.half[j] > 0.06) continue;
    // The fingers close along (sin c, -cos c) for HandDown(c).
    const double c = std::atan2(-axis[0], axis[1]);
    for (int k = -2; k <= 2; ++k) {
      const double yaw = c + k * kPi;
      const double cost = std::abs(yaw - preferred);
      if (cost < best_cost) {
        best_cost = cost;
        best = yaw;
      }
    }
  }
  return best;
}

double BlockYaw(const BlockView& b) {
  int longest = 0;
  for (int j = 1; j < 3; ++j) {
    if (b.half[j] > b.half[longest] && std::abs(b.rot[6 + j]) < 0.7) longest = j;
  }
  return std::atan2(b.rot[3 + longest], b.rot[longest]);
}

double CruiseZ(double x) { return kCruiseZ - std::max(0.0, x - kFarRightX); }

Span ShelfOpening(const PrivilegedState& s) {
  const auto& left = s.regions.at("shelf_left");
  const auto& right = s.regions.at("shelf_right");
  // Each half's site is 0.01 m narrower on its outer end than the opening.
  return {left.pose.pos[0] - left.half_size[0] - 0.01, right.pose.pos[0] + right.half_size[0] + 0.01};
}

Span FreeShelfSpan(const PrivilegedState& s, double x) {
  const Span opening = ShelfOpening(s);
  const double door = RegionPos(s, "slide_handle")[0];
  const double half_door = opening.width() / 4;
  if (x < door) return {opening.lo, std::min(opening.hi, door - half_door)};
  return {std::max(opening.lo, door + half_door), opening.hi};
}

double DoorClearance(const PrivilegedState& s, double x) {
  const Span opening = ShelfOpening(s);
  const double door = RegionPos(s, "slide_handle")[0];
  return std::abs(x - door) - opening.width() / 4;
}

std::string GoalTask(const PrivilegedState& s) {
  if (s.goal.empty() || s.goal[0].empty()) return "";
  return s.goal[0][0];
}

double JointValue(const PrivilegedState& s, const std::string& joint) {
  const auto it = s.articulations.find(joint);
  return it == s.articulations.end() ? 0.0 : it->second.q;
}

Vec3 RegionPos(const PrivilegedState& s, const std::string& region) {
  const auto it = s.regions.find(region);
  if (it == s.regions.end()) throw PolicyError("playtable oracle: no region '" + region + "' in the state");
  return it->second.pose.pos;
}

}  // namespace gauntlet::policies::scripted::playtable
