#include "envs/mujoco_state.h"

#include "harness/hashing.h"

namespace gauntlet::envs {

namespace {

constexpr int kDivergenceWarnings[] = {mjWARN_BADQPOS, mjWARN_BADQVEL, mjWARN_BADQACC, mjWARN_BADCTRL};

}  // namespace

int DivergenceWarnings(const mjData* d) {
  int total = 0;
  for (int w : kDivergenceWarnings) total += d->warning[w].number;
  return total;
}

std::string DivergenceReason(const mjData* d) {
  std::string reason;
  for (int w : kDivergenceWarnings) {
    if (d->warning[w].number > 0) {
      reason = "physics: MuJoCo warning " + std::to_string(w) + " (" +
               (w == mjWARN_BADQACC ? "bad qacc" : w == mjWARN_BADQVEL ? "bad qvel"
                : w == mjWARN_BADQPOS ? "bad qpos" : "bad ctrl") +
               ") at t=" + std::to_string(d->time);
    }
  }
  return reason;
}

std::uint64_t StateDigest(const mjModel* m, const mjData* d) {
  std::uint64_t h = Fnv1a64Bytes(&d->time, sizeof(double));
  h = Fnv1a64Bytes(d->qpos, sizeof(double) * m->nq, h);
  h = Fnv1a64Bytes(d->qvel, sizeof(double) * m->nv, h);
  h = Fnv1a64Bytes(d->qacc_warmstart, sizeof(double) * m->nv, h);
  return Fnv1a64Bytes(d->ctrl, sizeof(double) * m->nu, h);
}

std::array<double, 4> MatToQuat(const double* mat) {
  mjtNum q[4];
  mju_mat2Quat(q, mat);
  return {q[0], q[1], q[2], q[3]};
}

}  // namespace gauntlet::envs
