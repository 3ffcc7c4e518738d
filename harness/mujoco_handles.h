// Owning handles for MuJoCo objects: constructors and destructors come in
// pairs (mj_loadXML / mj_deleteModel, mj_makeData / mj_deleteData), so no raw
// owning pointer to a MuJoCo object exists anywhere in gauntlet.
#pragma once

#include <memory>
#include <string>

#include <mujoco/mujoco.h>

#include "harness/result.h"

namespace gauntlet {

struct ModelDeleter {
  void operator()(mjModel* m) const { mj_deleteModel(m); }
};
struct DataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};
using ModelPtr = std::unique_ptr<mjModel, ModelDeleter>;
using DataPtr = std::unique_ptr<mjData, DataDeleter>;

// Compiles an MJCF document held in memory. `name` is used in error messages.
Result<ModelPtr> CompileMjcf(const std::string& xml, const std::string& name);

inline DataPtr MakeData(const mjModel* m) { return DataPtr(mj_makeData(m)); }

// The MuJoCo version this binary runs with, e.g. "2.2.2".
std::string MujocoVersion();

}  // namespace gauntlet
