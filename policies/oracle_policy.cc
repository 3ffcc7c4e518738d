#include "policies/oracle_policy.h"

#include <algorithm>
#include <cmath>

namespace gauntlet::policies {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxStep = 0.05;   // metres per unit action (tabletop interface)
constexpr double kMaxTurn = 0.5;    // radians per unit action
constexpr double kTipBelowTcp = 0.007;   // fingertips below the tool centre point
constexpr double kHandAboveTcp = 0.045;  // bottom of the hand body above the tool centre point
constexpr double kHandHalfSpan = 0.095;  // hand half length along the finger axis
constexpr double kRimGraspDepth = 0.0165;  // tool centre point below the rim for a wall grasp

using Vec3 = std::array<double, 3>;

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

// Rotation vector (world frame) taking the current tool orientation to a
// downward-pointing one with hand x axis at heading `yaw`.
Vec3 RotationError(const std::array<double, 4>& q, double yaw) {
  // Desired: x = (c, s, 0), y = (s, -c, 0), z = (0, 0, -1) -> quaternion.
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
  // q_err = q_d * conj(q)
  const double w = q[0], x = -q[1], y = -q[2], z = -q[3];
  double e[4] = {qd[0] * w - qd[1] * x - qd[2] * y - qd[3] * z,
                 qd[0] * x + qd[1] * w + qd[2] * z - qd[3] * y,
                 qd[0] * y - qd[1] * z + qd[2] * w + qd[3] * x,
                 qd[0] * z + qd[1] * y - qd[2] * x + qd[3] * w};
  if (e[0] < 0) for (double& v : e) v = -v;
  const double sn = std::sqrt(e[1] * e[1] + e[2] * e[2] + e[3] * e[3]);
  if (sn < 1e-12) return {0, 0, 0};
  const double angle = 2 * std::atan2(sn, e[0]);
  return {e[1] / sn * angle, e[2] / sn * angle, e[3] / sn * angle};
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

}  // namespace

PolicyInfo OraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec.kind = ActionKind::kEefDelta;
  info.action_spec.dim = 7;
  info.action_spec.low.assign(7, -1.0);
  info.action_spec.high.assign(7, 1.0);
  info.action_spec.gripper = GripperConvention::kNegOpenPosClose;
  info.needs_privileged_state = true;
  info.spec_json = R"({"kind":"oracle","version":1})";
  return info;
}

const char* OraclePolicy::phase_name() const {
  static const char* const kNames[] = {"plan", "approach", "descend", "close", "lift",
                                       "carry", "lower", "release", "retreat", "done"};
  return kNames[static_cast<int>(phase_)];
}

void OraclePolicy::reset(const EpisodeContext&) {
  phase_ = Phase::kPlan;
  phase_steps_ = 0;
  attempts_ = 0;
  object_.clear();
}

bool OraclePolicy::Plan(const PrivilegedState& s) {
  const std::vector<std::string>* atom = nullptr;
  for (const auto& a : s.goal) {
    if ((a[0] == "on" || a[0] == "in") && a.size() == 3) {
      atom = &a;
      break;
    }
  }
  if (atom == nullptr || !s.objects.count((*atom)[1])) return false;
  object_ = (*atom)[1];
  const std::string& target = (*atom)[2];
  if (auto it = s.objects.find(target); it != s.objects.end()) {
    target_xy_z_ = {it->second.pose.pos[0], it->second.pose.pos[1], Top(it->second)};
  } else if (auto r = s.regions.find(target); r != s.regions.end()) {
    const auto& site = r->second;
    target_xy_z_ = {site.pose.pos[0], site.pose.pos[1],
                    site.pose.pos[2] + ((*atom)[0] == "on" ? site.half_size[2] : -site.half_size[2])};
  } else {
    return false;
  }

  const PrivilegedState::Body& obj = s.objects.at(object_);
  const Vec3& c = obj.pose.pos;
  const double current_yaw = Yaw(s.eef.quat);
  if (obj.rim_radius > 0) {
    // Wall grasp: score rim points by the room around fingers and hand.
    const double tcp_z = Top(obj) - kRimGraspDepth;
    const double tip_z = tcp_z - kTipBelowTcp, hand_z = tcp_z + kHandAboveTcp;
    const double bx = c[0] - s.robot_base[0], by = c[1] - s.robot_base[1];
    const double bn = std::hypot(bx, by);
    double best = -1e9;
    for (int k = 0; k < 24; ++k) {
      const double a = k * kPi / 12, dx = std::cos(a), dy = std::sin(a);
      const double r = obj.rim_radius;
      const double fx = c[0] + (r + 0.02) * dx, fy = c[1] + (r + 0.02) * dy;   // outer finger
      const double px = c[0] + r * dx, py = c[1] + r * dy;                    // rim point
      double clearance = 0.05;
      for (const auto& [name, other] : s.objects) {
        if (name == object_) continue;
        if (Top(other) > tip_z - 0.003) {
          clearance = std::min(clearance, FootprintDistance(other, fx, fy) - 0.006);
        }
        if (Top(other) > hand_z - 0.005) {
          for (double sgn : {-1.0, 1.0}) {
            clearance = std::min(clearance, FootprintDistance(other, px + sgn * kHandHalfSpan * dx,
                                                              py + sgn * kHandHalfSpan * dy) - 0.01);
          }
        }
      }
      // Inside a container region (an open drawer): keep the finger off its walls.
      for (const auto& [name, site] : s.regions) {
        const double sy = Yaw(site.pose.quat), cs = std::cos(sy), sn = std::sin(sy);
        auto local = [&](double x, double y) {
          return std::array<double, 2>{cs * (x - site.pose.pos[0]) + sn * (y - site.pose.pos[1]),
                                       -sn * (x - site.pose.pos[0]) + cs * (y - site.pose.pos[1])};
        };
        auto lc = local(c[0], c[1]);
        const bool contains = std::abs(lc[0]) < site.half_size[0] && std::abs(lc[1]) < site.half_size[1] &&
                              std::abs(c[2] - site.pose.pos[2]) < site.half_size[2] + 0.01 &&
                              !site.parent.empty();
        if (!contains) continue;
        auto lf = local(fx, fy);
        clearance = std::min(clearance, std::min(site.half_size[0] - std::abs(lf[0]),
                                                 site.half_size[1] - std::abs(lf[1])));
      }
      const double facing = bn > 1e-6 ? (dx * bx + dy * by) / bn : 0;
      const double score = clearance + 0.01 * facing;
      if (score > best) {
        best = score;
        grasp_.tcp = {px, py, tcp_z};
        // Fingers slide along the hand y axis = (sin yaw, -cos yaw): align with the radius.
        double yaw = std::atan2(dx, -dy);
        if (std::abs(WrapAngle(yaw + kPi - current_yaw)) < std::abs(WrapAngle(yaw - current_yaw))) {
          yaw = WrapAngle(yaw + kPi);
        }
        grasp_.yaw = yaw;
      }
    }
  } else {
    // Across the narrower horizontal side, a little below the top.
    const double body_yaw = Yaw(obj.pose.quat);
    double yaw = obj.half_extent[0] < obj.half_extent[1] ? body_yaw + kPi / 2 : body_yaw;
    yaw = WrapAngle(yaw);
    if (std::abs(WrapAngle(yaw + kPi - current_yaw)) < std::abs(WrapAngle(yaw - current_yaw))) {
      yaw = WrapAngle(yaw + kPi);
    }
    grasp_.tcp = {c[0], c[1], Top(obj) - std::min(0.03, obj.half_extent[2])};
    grasp_.yaw = yaw;
  }

  // Carry high enough to clear everything near the straight path.
  carry_z_ = std::max(c[2], target_xy_z_[2]) + 0.10;
  for (const auto& [name, other] : s.objects) {
    if (name == object_) continue;
    const double vx = target_xy_z_[0] - c[0], vy = target_xy_z_[1] - c[1];
    const double len2 = std::max(vx * vx + vy * vy, 1e-9);
    const double t = std::clamp(((other.pose.pos[0] - c[0]) * vx + (other.pose.pos[1] - c[1]) * vy) / len2, 0.0, 1.0);
    const double dist = FootprintDistance(other, c[0] + t * vx, c[1] + t * vy);
    if (dist < 0.08) carry_z_ = std::max(carry_z_, Top(other) + 0.04);
  }
  return true;
}

Action OraclePolicy::MoveTo(const PrivilegedState& s, const Vec3& target, double yaw,
                            double max_step, double gripper) const {
  Action a(7, 0.0);
  Vec3 d{target[0] - s.eef.pos[0], target[1] - s.eef.pos[1], target[2] - s.eef.pos[2]};
  const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  const double scale = n > max_step ? max_step / n : 1.0;
  for (int i = 0; i < 3; ++i) a[i] = std::clamp(d[i] * scale / kMaxStep, -1.0, 1.0);
  const Vec3 rot = RotationError(s.eef.quat, yaw);
  for (int i = 0; i < 3; ++i) a[3 + i] = std::clamp(rot[i] / kMaxTurn, -1.0, 1.0);
  a[6] = gripper;
  return a;
}

ActionChunk OraclePolicy::act(const Observation& observation) {
  if (!observation.privileged) {
    throw PolicyError("oracle needs privileged state, but the environment gave none");
  }
  const PrivilegedState& s = *observation.privileged;
  if (phase_ == Phase::kPlan) {
    if (!Plan(s)) throw PolicyError("oracle: the goal has no (On|In object target) atom it can solve");
    phase_ = Phase::kApproach;
    phase_steps_ = 0;
  }
  const auto& obj = s.objects.at(object_);
  const Vec3& tcp = s.eef.pos;
  const Vec3& o = obj.pose.pos;
  auto dist = [](const Vec3& a, const Vec3& b) {
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  };
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  auto retry = [&]() {
    ++attempts_;
    go(Phase::kPlan);
  };
  ++phase_steps_;
  const double xy_err = std::hypot(target_xy_z_[0] - o[0], target_xy_z_[1] - o[1]);
  Action a;
  switch (phase_) {
    case Phase::kApproach: {
      Vec3 above{grasp_.tcp[0], grasp_.tcp[1], std::max(grasp_.tcp[2] + 0.10, tcp[2] - 0.0)};
      above[2] = grasp_.tcp[2] + 0.10;
      a = MoveTo(s, above, grasp_.yaw, kMaxStep, -1);
      const double yaw_err = std::abs(WrapAngle(Yaw(s.eef.quat) - grasp_.yaw));
      if ((dist(tcp, above) < 0.012 && yaw_err < 0.06) || phase_steps_ > 60) go(Phase::kDescend);
      break;
    }
    case Phase::kDescend:
      a = MoveTo(s, grasp_.tcp, grasp_.yaw, 0.015, -1);
      if (dist(tcp, grasp_.tcp) < 0.005 || phase_steps_ > 25) go(Phase::kClose);
      break;
    case Phase::kClose:
      a = MoveTo(s, grasp_.tcp, grasp_.yaw, 0.01, 1);
      if (phase_steps_ >= 10) go(Phase::kLift);
      break;
    case Phase::kLift: {
      a = MoveTo(s, {tcp[0], tcp[1], tcp[2] + (carry_z_ - o[2])}, grasp_.yaw, 0.03, 1);
      if (s.gripper_opening < 0.002 || (tcp[2] - grasp_.tcp[2] > 0.05 && o[2] < carry_z_ - 0.08)) {
        retry();  // closed on nothing, or the object stayed behind
      } else if (std::abs(o[2] - carry_z_) < 0.015 || phase_steps_ > 30) {
        go(Phase::kCarry);
      }
      break;
    }
    case Phase::kCarry: {
      Vec3 t{tcp[0] + target_xy_z_[0] - o[0], tcp[1] + target_xy_z_[1] - o[1], tcp[2] + carry_z_ - o[2]};
      a = MoveTo(s, t, grasp_.yaw, 0.04, 1);
      if (s.gripper_opening < 0.002 || o[2] < carry_z_ - 0.06) {
        retry();
      } else if (xy_err < 0.006 || phase_steps_ > 80) {
        go(Phase::kLower);
      }
      break;
    }
    case Phase::kLower: {
      const double goal_z = target_xy_z_[2] + 0.008;
      Vec3 t{tcp[0] + target_xy_z_[0] - o[0], tcp[1] + target_xy_z_[1] - o[1], tcp[2] + goal_z - o[2]};
      a = MoveTo(s, t, grasp_.yaw, 0.02, 1);
      if ((o[2] - goal_z < 0.006 && xy_err < 0.01) || phase_steps_ > 40) go(Phase::kRelease);
      break;
    }
    case Phase::kRelease:
      a = MoveTo(s, tcp, grasp_.yaw, 0.0, -1);
      if (phase_steps_ >= 8) go(Phase::kRetreat);
      break;
    case Phase::kRetreat:
      a = MoveTo(s, {tcp[0], tcp[1], tcp[2] + 0.05}, grasp_.yaw, 0.02, -1);
      if (phase_steps_ >= 8) go(Phase::kDone);
      break;
    case Phase::kDone:
    case Phase::kPlan:
      a = MoveTo(s, tcp, grasp_.yaw, 0.0, -1);
      // The object landed off target: try again while time allows.
      if (phase_ == Phase::kDone && xy_err > 0.03 && attempts_ < 3) retry();
      break;
  }
  return ActionChunk{{a}, {}};
}

}  // namespace gauntlet::policies
