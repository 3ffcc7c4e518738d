#include "policies/scripted/tabletop/align_turn.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kElongated = 1.3;  // long / short side beyond which a body is turned to fit
}  // namespace

// How far to turn an elongated body that does not fit a box region as it
// stands (a book over a caddy's slot) for its long side to lie along the
// region's (within a quarter turn: a box is the same turned half way round).
double AlignTurn(const PrivilegedState::Body& b, const PrivilegedState::Site& site) {
  const double long_side = std::max(b.half_extent[0], b.half_extent[1]);
  const double short_side = std::min(b.half_extent[0], b.half_extent[1]);
  if (long_side < kElongated * short_side) return 0;  // round or square: any way fits
  // Fits as it is (a box of cheese in a basket): no need to turn the wrist.
  const double rel = Yaw(b.pose.quat) - Yaw(site.pose.quat), c = std::abs(std::cos(rel)), sn = std::abs(std::sin(rel));
  if (c * b.half_extent[0] + sn * b.half_extent[1] < site.half_size[0] - 0.01 &&
      sn * b.half_extent[0] + c * b.half_extent[1] < site.half_size[1] - 0.01) {
    return 0;
  }
  const double body = Yaw(b.pose.quat) + (b.half_extent[1] > b.half_extent[0] ? kPi / 2 : 0.0);
  const double region = Yaw(site.pose.quat) + (site.half_size[1] > site.half_size[0] ? kPi / 2 : 0.0);
  double turn = WrapAngle(region - body);
  if (turn > kPi / 2) turn -= kPi;
  if (turn < -kPi / 2) turn += kPi;
  return turn;
}

}  // namespace gauntlet::policies::scripted::tabletop
