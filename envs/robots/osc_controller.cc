#include "envs/robots/osc_controller.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <vector>

#include "envs/robots/panda_robot.h"
#include "harness/check.h"

namespace gauntlet::envs {

namespace {

using Mat3 = Eigen::Matrix3d;
using Vec3 = Eigen::Vector3d;
using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Mat3 SiteRotation(const mjData* d, int site) {
  return Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(d->site_xmat + 9 * site);
}

// Inverse of a symmetric positive semi-definite operational-space matrix.
// robosuite takes a pseudo-inverse; away from singularities (the Panda's
// workspace over the table) it equals the inverse, which is far cheaper here,
// where it runs every physics substep. A tiny ridge keeps it finite near one.
template <int N>
Eigen::Matrix<double, N, N> SpdInverse(const Eigen::Matrix<double, N, N>& a) {
  Eigen::Matrix<double, N, N> ridged = a + 1e-9 * Eigen::Matrix<double, N, N>::Identity();
  return ridged.ldlt().solve(Eigen::Matrix<double, N, N>::Identity());
}

}  // namespace

OscController::OscController(const mjModel* m, OscGains gains) : gains_(gains) {
  tcp_site_ = mj_name2id(m, mjOBJ_SITE, kTcpSite);
  GAUNTLET_CHECK(tcp_site_ >= 0, "model has no tool site");
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) {
    int joint = mj_name2id(m, mjOBJ_JOINT, ArmJointName(i));
    GAUNTLET_CHECK(joint >= 0, std::string("model has no joint ") + ArmJointName(i));
    qpos_adr_[i] = m->jnt_qposadr[joint];
    dof_adr_[i] = m->jnt_dofadr[joint];
    actuator_[i] = -1;
    for (int a = 0; a < m->nu; ++a) {
      if (m->actuator_trnid[2 * a] == joint) actuator_[i] = a;
    }
    GAUNTLET_CHECK(actuator_[i] >= 0, std::string("no motor on ") + ArmJointName(i));
  }
  arm_index_of_dof_.assign(m->nv, -1);
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) arm_index_of_dof_[dof_adr_[i]] = i;
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) {
    for (int j = m->dof_parentid[dof_adr_[i]]; j >= 0; j = m->dof_parentid[j]) {
      GAUNTLET_CHECK(arm_index_of_dof_[j] >= 0, "the arm must hang from a fixed base");
    }
  }
}

void OscController::SetDeltaGoal(const mjData* d, const std::array<double, 6>& delta) {
  const double* p = d->site_xpos + 3 * tcp_site_;
  for (int i = 0; i < 3; ++i) goal_pos_[i] = p[i] + delta[i];
  Vec3 axis_angle(delta[3], delta[4], delta[5]);
  double angle = axis_angle.norm();
  Mat3 rot = Mat3::Identity();
  if (angle > 1e-12) rot = Eigen::AngleAxisd(angle, axis_angle / angle).toRotationMatrix();
  Mat3 goal = rot * SiteRotation(d, tcp_site_);
  Eigen::Map<Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(goal_rot_.data()) = goal;
}

void OscController::SetGoal(const std::array<double, 3>& pos, const std::array<double, 9>& rot) {
  goal_pos_ = pos;
  goal_rot_ = rot;
}

void OscController::ApplyTorques(const mjModel* m, mjData* d) {
  constexpr int n = PandaSpec::kArmDofs;
  const int nv = m->nv;
  // Jacobians of the tool site (3 x nv each), restricted to the arm's dofs.
  jacp_.resize(3 * nv);
  jacr_.resize(3 * nv);
  std::vector<double>& jacp = jacp_;
  std::vector<double>& jacr = jacr_;
  mj_jacSite(m, d, jacp.data(), jacr.data(), tcp_site_);

  // The arm's block of the joint-space inertia, read from MuJoCo's sparse qM:
  // row i holds M(i,i) then M(i,j) for each ancestor dof j in turn. The arm is
  // a chain from a fixed base, so its dofs' ancestors are arm dofs.
  Eigen::Matrix<double, n, n> mass = Eigen::Matrix<double, n, n>::Zero();
  for (int r = 0; r < n; ++r) {
    int adr = m->dof_Madr[dof_adr_[r]];
    for (int j = dof_adr_[r]; j >= 0; j = m->dof_parentid[j], ++adr) {
      const int c = arm_index_of_dof_[j];
      mass(r, c) = mass(c, r) = d->qM[adr];
    }
  }

  Eigen::Matrix<double, 6, n> jac;
  Eigen::Matrix<double, n, 1> qd, q, q0, bias;
  for (int c = 0; c < n; ++c) {
    const int dof = dof_adr_[c];
    for (int r = 0; r < 3; ++r) {
      jac(r, c) = jacp[r * nv + dof];
      jac(r + 3, c) = jacr[r * nv + dof];
    }
    qd(c) = d->qvel[dof];
    q(c) = d->qpos[qpos_adr_[c]];
    q0(c) = rest_qpos_[c];
    bias(c) = d->qfrc_bias[dof];
  }
  const Eigen::Matrix<double, n, n> mass_inv = mass.llt().solve(Eigen::Matrix<double, n, n>::Identity());
  const Eigen::Matrix<double, 3, n> jp = jac.topRows<3>();
  const Eigen::Matrix<double, 3, n> jr = jac.bottomRows<3>();

  const double kp = gains_.kp, kd = 2 * std::sqrt(kp);
  const Vec3 p(d->site_xpos + 3 * tcp_site_);
  const Vec3 goal_p(goal_pos_.data());
  const Vec3 v = jp * qd, w = jr * qd;
  const Mat3 r = SiteRotation(d, tcp_site_);
  const Mat3 goal_r = Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(goal_rot_.data());
  Vec3 ori_error = Vec3::Zero();
  for (int i = 0; i < 3; ++i) ori_error += 0.5 * Vec3(r.col(i)).cross(Vec3(goal_r.col(i)));

  const Vec3 force = kp * (goal_p - p) - kd * v;
  const Vec3 torque = kp * ori_error - kd * w;
  const Mat3 lambda_p = SpdInverse<3>(jp * mass_inv * jp.transpose());
  const Mat3 lambda_r = SpdInverse<3>(jr * mass_inv * jr.transpose());
  const Eigen::Matrix<double, 6, 6> lambda =
      SpdInverse<6>(jac * mass_inv * jac.transpose());

  Eigen::Matrix<double, n, 1> tau;
  if (gains_.coupled) {
    Eigen::Matrix<double, 6, 1> wrench;
    wrench << force, torque;
    tau = jac.transpose() * (lambda * wrench);
  } else {
    tau = jp.transpose() * (lambda_p * force) + jr.transpose() * (lambda_r * torque);
  }
  const Eigen::Matrix<double, n, 6> jbar = mass_inv * jac.transpose() * lambda;
  const Eigen::Matrix<double, n, n> nullspace = Eigen::Matrix<double, n, n>::Identity() - jbar * jac;
  const double kn = gains_.kp_null, kdn = 2 * std::sqrt(kn);
  tau += nullspace.transpose() * (mass * (kn * (q0 - q) - kdn * qd));
  tau += bias;

  for (int i = 0; i < n; ++i) {
    const double limit = PandaSpec::kTorqueLimit[i];
    d->ctrl[actuator_[i]] = std::clamp(tau(i), -limit, limit);
  }
}

}  // namespace gauntlet::envs
