#include "policies/scripted/tabletop/mouth.h"

#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kMouthApproach = 0.05;    // set down this far outside, then slid in
constexpr double kMouthTolerance = 0.025;  // standing this near its spot in the mouth
}  // namespace

Mouth MouthOf(const PrivilegedState& s, const PrivilegedState::Site& site) {
  const auto& parent = s.objects.at(site.parent);
  const double yaw = Yaw(parent.pose.quat);
  Mouth m;
  m.out = {std::cos(yaw), std::sin(yaw)};  // out of the front (the fixture's +x)
  const double cx = site.pose.pos[0], cy = site.pose.pos[1];
  const double to_front = (parent.pose.pos[0] - cx) * m.out[0] + (parent.pose.pos[1] - cy) * m.out[1] +
                          parent.half_extent[0];
  // Held by the rim at its side, the wrist stops a little outside the front;
  // the closing door pushes it the rest of the way.
  const double inner = to_front + kWristRadius + 0.012, outer = inner + kMouthApproach;
  m.inner = {cx + inner * m.out[0], cy + inner * m.out[1]};
  m.outer = {cx + outer * m.out[0], cy + outer * m.out[1]};
  return m;
}

bool StandsInMouth(const PrivilegedState& s, const std::vector<std::string>& atom) {
  if (atom.size() != 3 || atom[0] != "in" || !s.objects.count(atom[1])) return false;
  auto r = s.regions.find(atom[2]);
  if (r == s.regions.end() || !r->second.enclosed || !s.objects.count(r->second.parent)) return false;
  const auto inner = MouthOf(s, r->second).inner;
  const auto& o = s.objects.at(atom[1]).pose.pos;
  return std::hypot(o[0] - inner[0], o[1] - inner[1]) < kMouthTolerance &&
         std::abs(o[2] - (r->second.pose.pos[2] - r->second.half_size[2])) < 0.01;
}

}  // namespace gauntlet::policies::scripted::tabletop
