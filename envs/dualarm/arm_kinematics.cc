#include "envs/dualarm/arm_kinematics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace gauntlet::envs::dualarm {

Eigen::Vector3d ToVector(const std::array<double, 3>& a) { return {a[0], a[1], a[2]}; }

Eigen::Matrix3d RpyToMatrix(const std::array<double, 3>& rpy) {
  return (Eigen::AngleAxisd(rpy[2], Eigen::Vector3d::UnitZ()) *
          Eigen::AngleAxisd(rpy[1], Eigen::Vector3d::UnitY()) *
          Eigen::AngleAxisd(rpy[0], Eigen::Vector3d::UnitX()))
      .toRotationMatrix();
}

namespace {

using Vector6 = Eigen::Matrix<double, 6, 1>;

constexpr double kPi = 3.14159265358979323846;

Eigen::Isometry3d Offset(const std::array<double, 3>& xyz, const std::array<double, 3>& rpy) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.translation() = ToVector(xyz);
  t.linear() = RpyToMatrix(rpy);
  return t;
}

// The radical inverse of `index` in `base`: the Halton sequence's coordinate.
double RadicalInverse(int index, int base) {
  double result = 0, scale = 1.0 / base;
  for (int i = index; i > 0; i /= base, scale /= base) result += (i % base) * scale;
  return result;
}

// The fixed seed of attempt `attempt` (>= 1): a Halton point over the middle
// 90% of each joint's range, so no seed starts pinned against a limit.
ArmJoints SpreadSeed(const ArmSpec& arm, int attempt) {
  static constexpr int kPrimes[6] = {2, 3, 5, 7, 11, 13};
  ArmJoints q{};
  for (int i = 0; i < 6; ++i) {
    const JointSpec& j = arm.joints[i];
    q[i] = j.lower + (0.05 + 0.9 * RadicalInverse(attempt, kPrimes[i])) * (j.upper - j.lower);
  }
  return q;
}

ArmJoints Clamp(const ArmSpec& arm, ArmJoints q) {
  for (int i = 0; i < 6; ++i) q[i] = std::clamp(q[i], arm.joints[i].lower, arm.joints[i].upper);
  return q;
}

struct Residual {
  Vector6 error;             // [p* - p ; w log(R* R^T)]
  double position = 0;       // metres
  double orientation = 0;    // radians
  double cost = 0;           // the weighted norm minimised
};

Residual ResidualAt(const Eigen::Isometry3d& tcp, const Eigen::Isometry3d& goal, const IkOptions& o) {
  Residual r;
  const Eigen::Vector3d dp = goal.translation() - tcp.translation();
  const Eigen::AngleAxisd dr(goal.linear() * tcp.linear().transpose());
  const Eigen::Vector3d rotation = dr.angle() * dr.axis();
  r.error << dp, o.orientation_weight * rotation;
  r.position = dp.norm();
  r.orientation = o.position_only ? 0 : std::abs(dr.angle());
  r.cost = o.position_only ? dp.norm() : r.error.norm();
  return r;
}

bool Converged(const Residual& r, const IkOptions& o) {
  return r.position <= o.position_tolerance && r.orientation <= o.orientation_tolerance;
}

struct Descent {
  ArmJoints q;
  Residual residual;
  int iterations = 0;
};

// One damped-least-squares descent from `q` toward `goal` (the header's update).
Descent Descend(const ArmSpec& arm, const Eigen::Isometry3d& base, const Eigen::Isometry3d& goal, ArmJoints q,
                const IkOptions& options) {
  constexpr double kMinDamping = 1e-6, kMaxDamping = 1e2;  // lambda^2, m^2
  const int rows = options.position_only ? 3 : 6;
  Descent d{q, ResidualAt(TcpTransform(arm, base, q), goal, options), 0};
  double damping = 1e-3;
  constexpr int kWindow = 20;  // iterations over which the error must fall by 1%
  double window_cost = d.residual.cost;
  while (d.iterations < options.max_iterations && !Converged(d.residual, options)) {
    if (d.iterations > 0 && d.iterations % kWindow == 0) {
      if (d.residual.cost > 0.99 * window_cost) break;  // crawling along a limit: give the next seed a turn
      window_cost = d.residual.cost;
    }
    ++d.iterations;
    Eigen::Matrix<double, 6, 6> jac = TcpJacobian(arm, base, d.q);
    jac.bottomRows<3>() *= options.orientation_weight;
    Eigen::MatrixXd j = jac.topRows(rows);
    // A joint resting on a limit that the step would push further out is
    // taken out of the solve (its column zeroed), so the others do the work
    // instead of the clamp swallowing the step.
    Vector6 dq;
    for (int pass = 0; pass < 6; ++pass) {
      const Eigen::MatrixXd jjt = j * j.transpose() + damping * Eigen::MatrixXd::Identity(rows, rows);
      dq = j.transpose() * jjt.ldlt().solve(d.residual.error.head(rows));
      bool blocked = false;
      for (int i = 0; i < 6; ++i) {
        const bool at_lower = d.q[i] <= arm.joints[i].lower && dq[i] < 0;
        const bool at_upper = d.q[i] >= arm.joints[i].upper && dq[i] > 0;
        if ((at_lower || at_upper) && !j.col(i).isZero()) {
          j.col(i).setZero();
          blocked = true;
        }
      }
      if (!blocked) break;
    }
    const double largest = dq.cwiseAbs().maxCoeff();
    if (largest > options.max_step) dq *= options.max_step / largest;
    ArmJoints next = d.q;
    for (int i = 0; i < 6; ++i) next[i] += dq[i];
    next = Clamp(arm, next);
    const Residual r = ResidualAt(TcpTransform(arm, base, next), goal, options);
    if (r.cost < d.residual.cost) {
      d.q = next;
      d.residual = r;
      damping = std::max(damping / 3, kMinDamping);
    } else {
      damping *= 5;
      if (damping > kMaxDamping) break;  // no step lowers the error: a local minimum or a limit
    }
  }
  return d;
}

std::string Describe(const Pose& p) {
  std::ostringstream out;
  out.precision(4);
  out << "position (" << p.position[0] << ", " << p.position[1] << ", " << p.position[2] << ") quat ("
      << p.quat_wxyz[0] << ", " << p.quat_wxyz[1] << ", " << p.quat_wxyz[2] << ", " << p.quat_wxyz[3] << ")";
  return out.str();
}

}  // namespace

Eigen::Isometry3d ToIsometry(const Pose& pose) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.translation() = ToVector(pose.position);
  const auto& q = pose.quat_wxyz;
  t.linear() = Eigen::Quaterniond(q[0], q[1], q[2], q[3]).normalized().toRotationMatrix();
  return t;
}

Pose ToPose(const Eigen::Isometry3d& t) {
  Pose p;
  p.position = {t.translation().x(), t.translation().y(), t.translation().z()};
  Eigen::Quaterniond q(t.linear());
  q.normalize();
  if (q.w() < 0) q.coeffs() *= -1;  // one representative of q ~ -q
  p.quat_wxyz = {q.w(), q.x(), q.y(), q.z()};
  return p;
}

ArmFrames ComputeArmFrames(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q) {
  ArmFrames frames;
  Eigen::Isometry3d t = base;
  for (int i = 0; i < 6; ++i) {
    const JointSpec& j = arm.joints[i];
    t = t * Offset(j.origin_xyz, j.origin_rpy) * Eigen::AngleAxisd(q[i], ToVector(j.axis).normalized());
    frames.links[i] = t;
  }
  frames.tcp = t * Offset(arm.tcp_xyz, arm.tcp_rpy);
  return frames;
}

Eigen::Isometry3d TcpTransform(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q) {
  return ComputeArmFrames(arm, base, q).tcp;
}

Pose TcpPose(const ArmSpec& arm, const Pose& base, const ArmJoints& q) {
  return ToPose(TcpTransform(arm, ToIsometry(base), q));
}

Eigen::Matrix<double, 6, 6> TcpJacobian(const ArmSpec& arm, const Eigen::Isometry3d& base, const ArmJoints& q) {
  const ArmFrames frames = ComputeArmFrames(arm, base, q);
  const Eigen::Vector3d tcp = frames.tcp.translation();
  Eigen::Matrix<double, 6, 6> jac;
  for (int i = 0; i < 6; ++i) {
    // A joint turns its child about an axis through its frame's origin.
    const Eigen::Vector3d axis = frames.links[i].linear() * ToVector(arm.joints[i].axis).normalized();
    jac.block<3, 1>(0, i) = axis.cross(tcp - frames.links[i].translation());
    jac.block<3, 1>(3, i) = axis;
  }
  return jac;
}

bool WithinLimits(const ArmSpec& arm, const ArmJoints& q) {
  for (int i = 0; i < 6; ++i) {
    if (q[i] < arm.joints[i].lower || q[i] > arm.joints[i].upper) return false;
  }
  return true;
}

Result<IkSolution> SolveIk(const ArmSpec& arm, const Eigen::Isometry3d& base, const Pose& target,
                           const ArmJoints& seed, const IkOptions& options) {
  const auto& tq = target.quat_wxyz;
  const double norm = std::sqrt(tq[0] * tq[0] + tq[1] * tq[1] + tq[2] * tq[2] + tq[3] * tq[3]);
  if (!options.position_only && !(norm > 1e-9)) {
    return Error{"IK for arm '" + arm.name + "': target quaternion (w, x, y, z) is zero; give a unit quaternion"};
  }
  const Eigen::Isometry3d goal = ToIsometry(options.position_only ? Pose{target.position, {1, 0, 0, 0}} : target);
  std::vector<Eigen::Isometry3d> goals = {goal};
  if (options.symmetric_fingers && !options.position_only) {
    goals.push_back(goal * Eigen::AngleAxisd(kPi, Eigen::Vector3d::UnitX()));
    // The finger order nearer the seed's first: usually the one reached.
    const Eigen::Isometry3d at_seed = TcpTransform(arm, base, Clamp(arm, seed));
    if (ResidualAt(at_seed, goals[1], options).cost < ResidualAt(at_seed, goals[0], options).cost) {
      std::swap(goals[0], goals[1]);
    }
  }

  IkSolution best;
  double best_cost = std::numeric_limits<double>::infinity();
  int iterations = 0;
  for (int attempt = 0; attempt < options.max_attempts; ++attempt) {
    for (std::size_t g = 0; g < goals.size(); ++g) {
      const ArmJoints start = attempt == 0 ? Clamp(arm, seed) : SpreadSeed(arm, attempt);
      Descent d = Descend(arm, base, goals[g], start, options);
      iterations += d.iterations;
      if (d.residual.cost < best_cost) {
        best_cost = d.residual.cost;
        best.q = d.q;
        best.position_error = d.residual.position;
        best.orientation_error = d.residual.orientation;
        best.fingers_swapped = !goals[g].isApprox(goal);
      }
      if (Converged(d.residual, options)) {
        best.iterations = iterations;
        best.attempts = attempt + 1;
        return best;
      }
    }
  }
  std::ostringstream msg;
  msg << "IK for arm '" << arm.name << "': target " << Describe(target)
      << (options.position_only ? " (position only)" : "") << " not reached in " << options.max_attempts
      << " attempts (" << iterations << " iterations); smallest residual " << best.position_error << " m, "
      << best.orientation_error << " rad (tolerance " << options.position_tolerance << " m, "
      << options.orientation_tolerance << " rad): the pose is outside the arm's reach or its joint limits";
  return Error{msg.str()};
}

}  // namespace gauntlet::envs::dualarm
