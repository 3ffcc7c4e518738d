#include "policies/scripted/tabletop/expert_geometry.h"

#include <algorithm>
#include <cmath>

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kEnoughRoom = 0.02;  // room around a put-down spot beyond which more does not count
}  // namespace

double Yaw(const std::array<double, 4>& q) {
  // Heading of the body x axis in the world xy plane.
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  return std::atan2(2 * (x * y + w * z), 1 - 2 * (y * y + z * z));
}

double WrapAngle(double a) {
  while (a > kPi) a -= 2 * kPi;
  while (a < -kPi) a += 2 * kPi;
  return a;
}

// The hand pointing down with its x axis at heading `yaw`, as a quaternion.
Quat HandDown(double yaw) {
  // x = (c, s, 0), y = (s, -c, 0), z = (0, 0, -1) -> quaternion.
  const double c = std::cos(yaw), s = std::sin(yaw);
  const double r[9] = {c, s, 0, s, -c, 0, 0, 0, -1};  // row-major, columns are axes
  double qd[4];
  const double tr = r[0] + r[4] + r[8];
  if (tr > 0) {
    double k = 0.5 / std::sqrt(tr + 1);
    qd[0] = 0.25 / k; qd[1] = (r[7] - r[5]) * k; qd[2] = (r[2] - r[6]) * k; qd[3] = (r[3] - r[1]) * k;
  } else if (r[0] > r[4] && r[0] > r[8]) {
    double k = 2 * std::sqrt(1 + r[0] - r[4] - r[8]);
    qd[0] = (r[7] - r[5]) / k; qd[1] = 0.25 * k; qd[2] = (r[1] + r[3]) / k; qd[3] = (r[2] + r[6]) / k;
  } else if (r[4] > r[8]) {
    double k = 2 * std::sqrt(1 + r[4] - r[0] - r[8]);
    qd[0] = (r[2] - r[6]) / k; qd[1] = (r[1] + r[3]) / k; qd[2] = 0.25 * k; qd[3] = (r[5] + r[7]) / k;
  } else {
    double k = 2 * std::sqrt(1 + r[8] - r[0] - r[4]);
    qd[0] = (r[3] - r[1]) / k; qd[1] = (r[2] + r[6]) / k; qd[2] = (r[5] + r[7]) / k; qd[3] = 0.25 * k;
  }
  return {qd[0], qd[1], qd[2], qd[3]};
}

// Distance from point (x, y) to the footprint of a body (an oriented
// rectangle); 0 inside.
double FootprintDistance(const PrivilegedState::Body& b, double x, double y) {
  const double yaw = Yaw(b.pose.quat), c = std::cos(yaw), s = std::sin(yaw);
  const double dx = x - b.pose.pos[0], dy = y - b.pose.pos[1];
  const double lx = std::abs(c * dx + s * dy) - b.half_extent[0];
  const double ly = std::abs(-s * dx + c * dy) - b.half_extent[1];
  return std::hypot(std::max(lx, 0.0), std::max(ly, 0.0));
}

double Top(const PrivilegedState::Body& b) { return b.pose.pos[2] + 2 * b.half_extent[2]; }

// (x, y) in the horizontal frame of a (yawed) box site.
std::array<double, 2> SiteLocal(const PrivilegedState::Site& site, double x, double y) {
  const double yaw = Yaw(site.pose.quat), c = std::cos(yaw), s = std::sin(yaw);
  const double dx = x - site.pose.pos[0], dy = y - site.pose.pos[1];
  return {c * dx + s * dy, -s * dx + c * dy};
}

// A two-finger grasp works the same at `yaw` and `yaw + pi`. Take the one the
// last wrist joint can reach with margin, turning the least: picking by hand
// yaw alone can ask joint 7 to go past its stop, and the hand then never
// lines up (and drifts sideways while the controller fights the limit).
double ChooseYaw(const PrivilegedState& s, double yaw, double swing) {
  const double current = Yaw(s.eef.quat);
  const auto q7 = s.joints.find(kWristJoint);
  double best = yaw, best_cost = 1e9;
  for (double candidate : {WrapAngle(yaw), WrapAngle(yaw + kPi)}) {
    const double turn = WrapAngle(candidate - current);
    double cost = std::abs(turn);
    if (q7 != s.joints.end()) {
      // The hand points down, so turning it by +turn about world z turns
      // joint 7 (axis along the hand, pointing down) by -turn; a door swung
      // with the hand turns it by -swing more.
      for (double q : {q7->second - turn, q7->second - turn - swing}) {
        cost += 10 * std::max(0.0, std::abs(q) - (kWristLimit - kWristMargin));
      }
    }
    if (cost < best_cost) {
      best_cost = cost;
      best = candidate;
    }
  }
  return best;
}

// Horizontal distance from a body's footprint to the hand's palm (19 x 5 cm,
// long along the finger axis (ux, uy)) centred over (x, y): its corners and
// the middles of its long sides.
double PalmDistance(const PrivilegedState::Body& b, double x, double y, double ux, double uy) {
  double d = 1e9;
  for (double along : {-kHandHalfSpan, 0.0, kHandHalfSpan}) {
    for (double across : {-kHandHalfWidth, kHandHalfWidth}) {
      d = std::min(d, FootprintDistance(b, x + along * ux - across * uy, y + along * uy + across * ux));
    }
  }
  return d;
}

// Point p turned by `angle` about a vertical hinge (in the sense q grows),
// at height z.
Vec3 AboutHinge(const PrivilegedState::Articulation& a, const Vec3& p, double angle, double z) {
  const double sign = a.axis[2] >= 0 ? 1.0 : -1.0, c = std::cos(angle), sn = std::sin(angle);
  const double rx = p[0] - a.anchor[0], ry = p[1] - a.anchor[1];
  return {a.anchor[0] + c * rx - sign * sn * ry, a.anchor[1] + sign * sn * rx + c * ry, z};
}

// Horizontal distance from (x, y) to a handle's fin: the segment from its
// grip point back along the handle's -x.
double HandleDistance(const PrivilegedState::Articulation& a, double x, double y) {
  const double yaw = Yaw(a.handle->quat), hx = std::cos(yaw), hy = std::sin(yaw);
  const double px = x - a.handle->pos[0], py = y - a.handle->pos[1];
  const double along = std::clamp(px * hx + py * hy, -a.handle_reach_back, 0.0);
  return std::hypot(px - along * hx, py - along * hy);
}

// Where in a region to put `object` down: of a grid over the region, inset
// by the object's footprint, the point with the most room from what stands
// there (a moka pot already on the stove, handle fins above an open drawer),
// the nearer the object's slot the better: the centre, or when the goal puts
// several objects in the region, the `slot`-th of `slots` along its longer side.
std::array<double, 2> FreeSpot(const PrivilegedState& s, const PrivilegedState::Site& site,
                               const std::string& object, int slot, int slots) {
  const auto& carried = s.objects.at(object);
  const double r = std::max(carried.half_extent[0], carried.half_extent[1]);
  const double ux = std::max(0.0, site.half_size[0] - r), uy = std::max(0.0, site.half_size[1] - r);
  const double yaw = Yaw(site.pose.quat), c = std::cos(yaw), sn = std::sin(yaw);
  // A region that takes several objects (both moka pots on the stove, two
  // cans in the basket) is shared out in slots along its longer side.
  const bool along_x = site.half_size[0] >= site.half_size[1];
  const double h = along_x ? site.half_size[0] : site.half_size[1];
  const double offset = -h + 2 * h * (slot + 0.5) / slots;
  const double px = along_x ? offset : 0.0, py = along_x ? 0.0 : offset;
  std::array<double, 2> best{site.pose.pos[0], site.pose.pos[1]};
  double best_score = -1e9;
  constexpr int kGrid = 2;  // (2 kGrid + 1)^2 candidates
  for (int i = -kGrid; i <= kGrid; ++i) {
    for (int j = -kGrid; j <= kGrid; ++j) {
      const double lx = ux * i / kGrid, ly = uy * j / kGrid;
      const double x = site.pose.pos[0] + c * lx - sn * ly, y = site.pose.pos[1] + sn * lx + c * ly;
      double room = kEnoughRoom;
      for (const auto& [name, other] : s.objects) {
        if (name == object || name == site.parent) continue;
        room = std::min(room, FootprintDistance(other, x, y) - r);
      }
      // Handle fins above the region (the tabs of the drawers over an open one).
      for (const auto& [name, a] : s.articulations) {
        if (a.handle && a.handle->pos[2] > site.pose.pos[2]) room = std::min(room, HandleDistance(a, x, y) - r);
      }
      const double score = room - 0.1 * std::hypot(lx - px, ly - py);
      if (score > best_score + 1e-12) {
        best_score = score;
        best = {x, y};
      }
    }
  }
  return best;
}

}  // namespace gauntlet::policies::scripted::tabletop
