// What an Env simulated by MuJoCo shows to tools that measure it against a
// plain MuJoCo loop on the same compiled model (bench/throughput_bench):
// the model, the current state and the control period. Read-only; an Env
// that implements it is found with dynamic_cast<const MujocoWorld*>.
#pragma once

#include <mujoco/mujoco.h>

namespace gauntlet {

class MujocoWorld {
 public:
  virtual ~MujocoWorld() = default;
  virtual const mjModel* model() const = 0;
  virtual const mjData* data() const = 0;
  virtual int substeps() const = 0;  // physics steps per control step
};

}  // namespace gauntlet
