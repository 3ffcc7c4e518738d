#include "envs/tabletop/scene_perturber.h"

#include <algorithm>

#include "envs/tabletop/backdrop.h"

namespace gauntlet::envs::tabletop {

namespace {

// Agentview orbits the table's centre on its surface; the tilt axis is the
// world's y, across agentview's view along x.
PerturbableParts PartsOf(const mjModel* m, const ArenaSpec& arena, const std::array<int, 7>& arm_qpos) {
  PerturbableParts parts;
  parts.camera = mj_name2id(m, mjOBJ_CAMERA, kAgentviewCamera);
  parts.pivot = {0, 0, arena.surface_z};
  parts.tilt_axis = {0, 1, 0};
  parts.light = mj_name2id(m, mjOBJ_LIGHT, "key");
  for (int adr : arm_qpos) {
    // The joint with this qpos address.
    int joint = 0;
    while (joint < m->njnt && m->jnt_qposadr[joint] != adr) ++joint;
    parts.arm_joints.push_back(joint);
  }
  return parts;
}

}  // namespace

ScenePerturber::ScenePerturber(const mjModel* m, const ArenaSpec& arena, std::array<int, 7> arm_qpos,
                               std::array<int, 7> arm_dof)
    : shared_(m, PartsOf(m, arena, arm_qpos)), arm_qpos_(arm_qpos), arm_dof_(arm_dof) {
  table_geom_ = mj_name2id(m, mjOBJ_GEOM, kTableTopGeom);
  if (table_geom_ >= 0) {
    table_mat_ = m->geom_matid[table_geom_];
    std::copy(m->geom_rgba + 4 * table_geom_, m->geom_rgba + 4 * table_geom_ + 4, table_rgba_.begin());
  }
  for (const char* name : {"backdrop_back", "backdrop_left", "backdrop_right"}) {
    const int g = mj_name2id(m, mjOBJ_GEOM, name);
    if (g >= 0) walls_.push_back(g);
  }
  if (!walls_.empty()) wall_mat_ = m->geom_matid[walls_[0]];
}

void ScenePerturber::Restore(mjModel* m) const {
  if (table_geom_ >= 0) {
    m->geom_matid[table_geom_] = table_mat_;
    std::copy(table_rgba_.begin(), table_rgba_.end(), m->geom_rgba + 4 * table_geom_);
  }
  for (int g : walls_) m->geom_matid[g] = wall_mat_;
}

Status ScenePerturber::ApplyToModel(mjModel* m, const std::optional<Perturbation>& p) const {
  if (Status s = shared_.ApplyToModel(m, p); !s.ok()) return s;
  Restore(m);
  if (!p || p->dimension != "background") return Status::Ok();
  const nlohmann::json& q = p->params;
  try {
    const int texture = q.at("texture"), wall = q.at("wall");
    if (texture < 0 || texture >= kTableTextureCount || wall < 0 || wall >= kWallStyleCount) {
      return Error{"background: texture " + std::to_string(texture) + " / wall " + std::to_string(wall) + " out of range"};
    }
    if (table_geom_ >= 0) {
      m->geom_matid[table_geom_] = mj_name2id(m, mjOBJ_MATERIAL, TableMaterialName(texture).c_str());
      for (int i = 0; i < 4; ++i) m->geom_rgba[4 * table_geom_ + i] = 1.0f;
    } else {
      m->geom_matid[mj_name2id(m, mjOBJ_GEOM, "floor")] = mj_name2id(m, mjOBJ_MATERIAL, TableMaterialName(texture).c_str());
    }
    const int wall_material = mj_name2id(m, mjOBJ_MATERIAL, WallMaterialName(wall).c_str());
    for (int g : walls_) m->geom_matid[g] = wall_material;
  } catch (const nlohmann::json::exception& e) {
    return Error{p->dimension + " perturbation: malformed parameters " + p->params.dump() + ": " + e.what()};
  }
  return Status::Ok();
}

Status ScenePerturber::ApplyToState(const mjModel* m, mjData* d, const std::optional<Perturbation>& p) const {
  if (!p || p->dimension != "robot_init") return Status::Ok();
  std::array<double, 7> joints;
  for (size_t i = 0; i < joints.size(); ++i) joints[i] = d->qpos[arm_qpos_[i]];
  if (Status s = shared_.OffsetArm(m, p, joints.data()); !s.ok()) return s;
  for (size_t i = 0; i < joints.size(); ++i) {
    d->qpos[arm_qpos_[i]] = joints[i];
    d->qvel[arm_dof_[i]] = 0;
  }
  return Status::Ok();
}

}  // namespace gauntlet::envs::tabletop
