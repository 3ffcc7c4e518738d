#include "policies/scripted/tabletop/grasp_plan.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kRimGraspDepth = 0.0165;        // TCP below the rim for a wall grasp
constexpr double kFingerFloorClearance = 0.012;  // fingertips at least this far above what they pass over
}  // namespace

double PlanGrasp(const PrivilegedState& s, double place_turn, const std::optional<std::array<double, 2>>& mouth_out,
                 CarryPlan* carry, std::string* blocker) {
  const std::string& object = carry->object;
  const PrivilegedState::Body& obj = s.objects.at(object);
  const Vec3& c = obj.pose.pos;
  std::string limiting;  // the neighbour limiting the current candidate's room
  auto limit = [&](double* clearance, double value, const std::string& name) {
    if (value < *clearance) {
      *clearance = value;
      limiting = name;
    }
  };
  double best = -1e9;
  // The fixture region holding the object, if any (a drawer): its walls are
  // not among the bodies, so the grasp and the lift must know about them.
  carry->container.reset();
  for (const auto& [name, site] : s.regions) {
    const auto lc = SiteLocal(site, c[0], c[1]);
    if (!site.parent.empty() && std::abs(lc[0]) < site.half_size[0] &&
        std::abs(lc[1]) < site.half_size[1] &&
        std::abs(c[2] - site.pose.pos[2]) < site.half_size[2] + 0.01) {
      carry->container = site;
    }
  }
  if (obj.rim_radius > 0) {
    // Wall grasp: score rim points by the room around fingers and hand.
    // Below the rim, but with the inner fingertip above the floor inside (a plate's rim is low).
    const double tcp_z = std::max(Top(obj) - kRimGraspDepth, c[2] + obj.support_height + kTipBelowTcp + 0.003);
    const double tip_z = tcp_z - kTipBelowTcp, hand_z = tcp_z + kHandAboveTcp;
    for (int k = 0; k < 24; ++k) {
      const double a = k * kPi / 12, dx = std::cos(a), dy = std::sin(a);
      const double r = obj.rim_radius;
      const double fx = c[0] + (r + 0.02) * dx, fy = c[1] + (r + 0.02) * dy;   // outer finger
      const double px = c[0] + r * dx, py = c[1] + r * dy;                    // rim point
      double clearance = 0.05;
      limiting.clear();
      for (const auto& [name, other] : s.objects) {
        if (name == object) continue;
        // Anything the outer finger would end less than a centimetre above
        // (a plate's rim): closing, the finger hooks it and lifts it along.
        if (Top(other) > tip_z - kFingerFloorClearance) {
          limit(&clearance, FootprintDistance(other, fx, fy) - 0.006, name);
        }
        if (Top(other) > hand_z - 0.005) limit(&clearance, PalmDistance(other, px, py, dx, dy) - 0.01, name);
      }
      // Inside a container (an open drawer): keep the finger off its walls.
      if (carry->container) {
        const auto lf = SiteLocal(*carry->container, fx, fy);
        clearance = std::min(clearance, std::min(carry->container->half_size[0] - std::abs(lf[0]),
                                                 carry->container->half_size[1] - std::abs(lf[1])));
      }
      // Stood in a mouth, it is held at its side: the hand's long palm then
      // lies across the mouth, not under the roof.
      if (mouth_out) clearance -= 0.2 * std::abs(dx * (*mouth_out)[0] + dy * (*mouth_out)[1]);
      // Where the object will be put down, the wrist (4.5 cm round the
      // hand's axis, from 11 cm above the fingertips) must keep clear of
      // handle fins standing above the target (tabs over an open drawer).
      for (const auto& [name, a] : s.articulations) {
        if (!a.handle || a.handle->pos[2] < carry->target[2]) continue;
        const double hand_x = carry->target[0] + r * dx, hand_y = carry->target[1] + r * dy;
        clearance = std::min(clearance, HandleDistance(a, hand_x, hand_y) - kWristRadius - 0.015);
      }
      // A top-down grasp is only dependable where the arm has room: the far
      // side of a bowl at the front of the table is at the edge of the Panda's
      // reach (the hand stalls short of it and the bowl is carried off-centre),
      // the near side of one next to the base (the stove) folds the arm onto
      // itself. Penalise rim points outside a comfortable band of distances
      // from the base, one for one with the clearance they would buy.
      const double reach = std::hypot(px - s.robot_base[0], py - s.robot_base[1]);
      const double score = clearance - std::max(0.0, reach - kReachFar) -
                           std::max(0.0, kReachNear - reach);
      if (score > best) {
        best = score;
        if (blocker) *blocker = limiting;
        carry->grasp.tcp = {px, py, tcp_z};
        // Fingers slide along the hand y axis = (sin yaw, -cos yaw): align with the radius.
        carry->grasp.yaw = ChooseYaw(s, std::atan2(dx, -dy), place_turn);
      }
    }
  } else {
    // Across the narrower horizontal side, a little below the top (bottles
    // and cartons at their grasp height, below the neck or gable). A body as
    // wide as it is deep (a can, a carton) can be taken across either side,
    // a long one anywhere along its length: take the hand pose whose fingers
    // and hand keep the most room from the neighbours (an open finger
    // reaches 5 cm from the grasp point, past a small box's side onto a can
    // beside it).
    const double body_yaw = Yaw(obj.pose.quat);
    const double hx = obj.half_extent[0], hy = obj.half_extent[1];
    const double narrow_yaw = hx < hy ? body_yaw + kPi / 2 : body_yaw;
    const bool square = std::abs(hx - hy) < 1e-9;
    // How far the grasp may slide along a long body, fingers (2.2 cm wide) on it.
    const double slide = square ? 0.0 : std::max(0.0, std::max(hx, hy) - 0.025);
    const double tcp_z = obj.grasp_height > 0 ? c[2] + obj.grasp_height
                                              : Top(obj) - std::min(0.03, obj.half_extent[2]);
    const double tip_z = tcp_z - kTipBelowTcp, hand_z = tcp_z + kHandAboveTcp;
    for (int k = 0; k < (square ? 2 : 5); ++k) {
      // Square: across one side, then the other. Long: centred, then +-1/2, +-1 slide.
      const double yaw = square ? narrow_yaw + k * kPi / 2 : narrow_yaw;
      const double offset = square ? 0.0 : slide * (k % 2 == 0 ? 1 : -1) * ((k + 1) / 2) / 2.0;
      const double lx = std::cos(yaw), ly = std::sin(yaw);   // hand x: along the body
      const double fx = std::sin(yaw), fy = -std::cos(yaw);  // finger axis: across it
      const double px = c[0] + offset * lx, py = c[1] + offset * ly;
      double clearance = 0.05;
      limiting.clear();
      for (const auto& [name, other] : s.objects) {
        if (name == object) continue;
        for (double sgn : {-1.0, 1.0}) {
          if (Top(other) > tip_z - 0.003) {
            limit(&clearance,
                  FootprintDistance(other, px + sgn * kOpenFingerReach * fx, py + sgn * kOpenFingerReach * fy) - 0.017,
                  name);
          }
        }
        if (Top(other) > hand_z - 0.005) limit(&clearance, PalmDistance(other, px, py, fx, fy) - 0.01, name);
      }
      const double score = clearance - 0.2 * std::abs(offset);
      if (score > best + 1e-9) {
        best = score;
        if (blocker) *blocker = limiting;
        carry->grasp.tcp = {px, py, tcp_z};
        carry->grasp.yaw = ChooseYaw(s, yaw, place_turn);
      }
    }
  }

  carry->start_xy = {c[0], c[1]};
  carry->start_z = c[2];
  // Only a free object the goal does not name can be moved aside.
  if (blocker && !blocker->empty()) {
    bool named = !s.objects.count(*blocker) || s.objects.at(*blocker).fixture;
    for (const auto& atom : s.goal) named = named || std::find(atom.begin() + 1, atom.end(), *blocker) != atom.end();
    if (named) blocker->clear();
  }
  return best;
}

}  // namespace gauntlet::policies::scripted::tabletop
