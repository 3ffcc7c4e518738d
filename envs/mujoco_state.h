// Reading a compiled MuJoCo world's state the same way in every family: the
// warnings that mean it diverged, a digest of the whole state, and a frame's
// orientation as a quaternion.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <mujoco/mujoco.h>

namespace gauntlet::envs {

// MuJoCo 2.2.2 resets a diverged state silently and has no switch to stop
// it; its warning counters (bad qpos, qvel, qacc, ctrl) are the only sign.
int DivergenceWarnings(const mjData* d);
// The fired warning as an episode's error: "physics: MuJoCo warning 2 (bad qacc) at t=1.500000".
std::string DivergenceReason(const mjData* d);

// FNV-1a over time, qpos, qvel, qacc_warmstart and ctrl: equal for
// bit-identical states (same binary and CPU family). `h` chains further bytes.
std::uint64_t StateDigest(const mjModel* m, const mjData* d);

// A row-major 3x3 rotation (MuJoCo's xmat) as (w, x, y, z).
std::array<double, 4> MatToQuat(const double* mat);

}  // namespace gauntlet::envs
