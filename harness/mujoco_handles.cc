#include "harness/mujoco_handles.h"

#include <cstring>

namespace gauntlet {

Result<ModelPtr> CompileMjcf(const std::string& xml, const std::string& name) {
  // MuJoCo 2.2.2 reads XML only through its VFS or a file; the VFS keeps
  // compilation free of temporary files.
  auto vfs = std::make_unique<mjVFS>();
  mj_defaultVFS(vfs.get());
  const std::string file = "model.xml";
  if (mj_makeEmptyFileVFS(vfs.get(), file.c_str(), static_cast<int>(xml.size())) != 0) {
    return Error{name + ": cannot allocate the MuJoCo virtual file system"};
  }
  int index = mj_findFileVFS(vfs.get(), file.c_str());
  std::memcpy(vfs->filedata[index], xml.data(), xml.size());
  char error[1024] = {0};
  mjModel* m = mj_loadXML(file.c_str(), vfs.get(), error, sizeof(error));
  mj_deleteVFS(vfs.get());
  if (m == nullptr) return Error{name + ": MuJoCo rejected the generated model: " + error};
  return ModelPtr(m);
}

std::string MujocoVersion() {
  int v = mj_version();  // e.g. 222
  return std::to_string(v / 100) + "." + std::to_string((v / 10) % 10) + "." +
         std::to_string(v % 10);
}

}  // namespace gauntlet
