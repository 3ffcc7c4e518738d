#include "policies/scripted/tabletop/carry_path.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kLiftClearance = 0.07;   // lift above the start first: out of a drawer (walls 5.5 cm)
constexpr double kPathClearance = 0.025;  // object bottom above anything it passes over
constexpr double kPathMargin = 0.02;      // horizontal margin around the carried object's footprint
constexpr double kWallAllowance = 0.02;   // container walls beyond its region site
constexpr double kPalmClearance = 0.01;   // palm above and beside what it passes
constexpr double kEnoughRoom = 0.02;      // room around a spot beyond which more does not count
}  // namespace

std::array<double, 2> PutDownSpot(const PrivilegedState& s, const PrivilegedState::Site& site,
                                  const std::string& region, const std::string& object) {
  int slot = 0, slots = 0;
  for (const auto& a : s.goal) {
    if ((a[0] == "on" || a[0] == "in") && a.size() == 3 && a[2] == region) {
      if (a[1] == object) slot = slots;
      ++slots;
    }
  }
  return FreeSpot(s, site, object, slot, std::max(1, slots));
}

double PathClearanceZ(const PrivilegedState& s, const CarryPlan& carry, double x, double y) {
  // The lowest height of the object's origin (its bottom) that clears
  // everything within its footprint (plus a margin) along the straight path
  // from (x, y) to the target, sampled every centimetre.
  const auto& obj = s.objects.at(carry.object);
  const double reach = std::max(obj.half_extent[0], obj.half_extent[1]) + kPathMargin;
  const double vx = carry.target[0] - x, vy = carry.target[1] - y;
  const int samples = 1 + static_cast<int>(std::hypot(vx, vy) / 0.01);
  double z = std::max(carry.target[2], carry.rim_z) + kPathClearance;
  // Stay at the lift height over the place it started from and, if it was in
  // a container (drawer walls are not among the bodies), over all of that.
  for (int i = 0; i <= samples && z < carry.start_z + kLiftClearance; ++i) {
    const double t = static_cast<double>(i) / samples, px = x + t * vx, py = y + t * vy;
    bool near_start = std::hypot(px - carry.start_xy[0], py - carry.start_xy[1]) < reach + 0.05;
    if (carry.container) {
      const auto l = SiteLocal(*carry.container, px, py);
      near_start = near_start ||
                   std::hypot(std::max(0.0, std::abs(l[0]) - carry.container->half_size[0] - kWallAllowance),
                              std::max(0.0, std::abs(l[1]) - carry.container->half_size[1] - kWallAllowance)) < reach;
    }
    if (near_start) z = carry.start_z + kLiftClearance;
  }
  for (const auto& [name, other] : s.objects) {
    if (name == carry.object || Top(other) + kPathClearance <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (FootprintDistance(other, x + t * vx, y + t * vy) < reach) {
        z = Top(other) + kPathClearance;
        break;
      }
    }
  }
  // The palm, long across the fingers, sweeps wider than the object: over
  // anything it would pass through, it goes above (a wine bottle beside the
  // drawer a bowl is carried to).
  const GraspPose& grasp = carry.grasp;
  const double off_x = grasp.tcp[0] - carry.start_xy[0], off_y = grasp.tcp[1] - carry.start_xy[1];
  const double palm_above_origin = grasp.tcp[2] - carry.start_z + kHandAboveTcp;
  const double ux = std::sin(grasp.yaw), uy = -std::cos(grasp.yaw);  // the finger axis
  for (const auto& [name, other] : s.objects) {
    const double need = Top(other) + kPalmClearance - palm_above_origin;
    if (name == carry.object || need <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (PalmDistance(other, x + t * vx + off_x, y + t * vy + off_y, ux, uy) < kPalmClearance) {
        z = need;
        break;
      }
    }
  }
  // Handles stand out of the fixtures' footprints (a drawer pulled open
  // carries its tab far out in front): each is a segment reaching back from
  // the grip point towards its drawer or door.
  for (const auto& [name, a] : s.articulations) {
    if (!a.handle) continue;
    const double top = a.handle->pos[2] + kHandleHalfHeight;
    if (top + kPathClearance <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (HandleDistance(a, x + t * vx, y + t * vy) < reach) {
        z = top + kPathClearance;
        break;
      }
    }
  }
  return z;
}

std::optional<std::array<double, 2>> FinOverhead(const PrivilegedState& s, const PrivilegedState::Body& obj) {
  const double r = std::max(obj.half_extent[0], obj.half_extent[1]) + kPalmClearance;
  for (const auto& [name, a] : s.articulations) {
    if (!a.handle || a.handle->pos[2] - kHandleHalfHeight < Top(obj)) continue;
    if (a.handle->pos[2] - kHandleHalfHeight > Top(obj) + kLiftClearance) continue;
    if (HandleDistance(a, obj.pose.pos[0], obj.pose.pos[1]) > r) continue;
    // Away from the fin, across it (the fin runs along the handle's x axis).
    const double yaw = Yaw(a.handle->quat), nx = -std::sin(yaw), ny = std::cos(yaw);
    const double side = (obj.pose.pos[0] - a.handle->pos[0]) * nx + (obj.pose.pos[1] - a.handle->pos[1]) * ny;
    return std::array<double, 2>{side >= 0 ? nx : -nx, side >= 0 ? ny : -ny};
  }
  return std::nullopt;
}

std::optional<std::array<double, 2>> ClearSpot(const PrivilegedState& s, const std::string& blocker,
                                               const std::string& keep_clear_of) {
  // The surface's extent is where its regions are (the table's or floor's
  // named areas), a margin around them.
  double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9};
  for (const auto& [name, site] : s.regions) {
    if (!site.parent.empty()) continue;
    for (int k = 0; k < 2; ++k) {
      lo[k] = std::min(lo[k], site.pose.pos[k] - site.half_size[k] - 0.05);
      hi[k] = std::max(hi[k], site.pose.pos[k] + site.half_size[k] + 0.05);
    }
  }
  const auto& moved = s.objects.at(blocker);
  const auto& kept = s.objects.at(keep_clear_of);
  const double r = std::hypot(moved.half_extent[0], moved.half_extent[1]);
  std::optional<std::array<double, 2>> best;
  double best_score = 0;
  for (double radius : {0.12, 0.17, 0.22}) {
    for (int k = 0; k < 16; ++k) {
      const double a = k * kPi / 8;
      const double x = moved.pose.pos[0] + radius * std::cos(a), y = moved.pose.pos[1] + radius * std::sin(a);
      const double reach = std::hypot(x - s.robot_base[0], y - s.robot_base[1]);
      if (x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1] || reach < kReachNear || reach > kReachFar) continue;
      double room = kEnoughRoom * 2;
      for (const auto& [name, other] : s.objects) {
        if (name != blocker) room = std::min(room, FootprintDistance(other, x, y) - r);
      }
      // Well away from where the hand is about to work.
      room = std::min(room, std::hypot(x - kept.pose.pos[0], y - kept.pose.pos[1]) - r - kHandHalfSpan);
      const double score = room - 0.05 * radius;
      if (room > 0.01 && (!best || score > best_score)) {
        best = std::array<double, 2>{x, y};
        best_score = score;
      }
    }
  }
  return best;
}

}  // namespace gauntlet::policies::scripted::tabletop
