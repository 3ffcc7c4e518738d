#include "envs/tabletop/scene_perturber.h"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>

#include "envs/tabletop/backdrop.h"

namespace gauntlet::envs::tabletop {

namespace {

constexpr double kDeg = M_PI / 180.0;

Eigen::Quaterniond Quat(const double* wxyz) { return Eigen::Quaterniond(wxyz[0], wxyz[1], wxyz[2], wxyz[3]); }

}  // namespace

ScenePerturber::ScenePerturber(const mjModel* m, const ArenaSpec& arena, std::array<int, 7> arm_qpos,
                               std::array<int, 7> arm_dof)
    : arena_(arena), arm_qpos_(arm_qpos), arm_dof_(arm_dof) {
  camera_ = mj_name2id(m, mjOBJ_CAMERA, kAgentviewCamera);
  std::copy(m->cam_pos + 3 * camera_, m->cam_pos + 3 * camera_ + 3, camera_pos_.begin());
  std::copy(m->cam_quat + 4 * camera_, m->cam_quat + 4 * camera_ + 4, camera_quat_.begin());
  light_ = mj_name2id(m, mjOBJ_LIGHT, "key");
  std::copy(m->light_dir + 3 * light_, m->light_dir + 3 * light_ + 3, light_dir_.begin());
  std::copy(m->light_diffuse + 3 * light_, m->light_diffuse + 3 * light_ + 3, light_diffuse_.begin());
  std::copy(m->light_ambient + 3 * light_, m->light_ambient + 3 * light_ + 3, light_ambient_.begin());
  light_shadow_ = m->light_castshadow[light_];
  std::copy(m->vis.headlight.diffuse, m->vis.headlight.diffuse + 3, head_diffuse_.begin());
  std::copy(m->vis.headlight.ambient, m->vis.headlight.ambient + 3, head_ambient_.begin());
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
  std::copy(camera_pos_.begin(), camera_pos_.end(), m->cam_pos + 3 * camera_);
  std::copy(camera_quat_.begin(), camera_quat_.end(), m->cam_quat + 4 * camera_);
  std::copy(light_dir_.begin(), light_dir_.end(), m->light_dir + 3 * light_);
  std::copy(light_diffuse_.begin(), light_diffuse_.end(), m->light_diffuse + 3 * light_);
  std::copy(light_ambient_.begin(), light_ambient_.end(), m->light_ambient + 3 * light_);
  m->light_castshadow[light_] = light_shadow_;
  std::copy(head_diffuse_.begin(), head_diffuse_.end(), m->vis.headlight.diffuse);
  std::copy(head_ambient_.begin(), head_ambient_.end(), m->vis.headlight.ambient);
  if (table_geom_ >= 0) {
    m->geom_matid[table_geom_] = table_mat_;
    std::copy(table_rgba_.begin(), table_rgba_.end(), m->geom_rgba + 4 * table_geom_);
  }
  for (int g : walls_) m->geom_matid[g] = wall_mat_;
}

Status ScenePerturber::ApplyToModel(mjModel* m, const std::optional<Perturbation>& p) const {
  Restore(m);
  if (!p) return Status::Ok();
  const nlohmann::json& q = p->params;
  try {
    if (p->dimension == "camera") {
      // LIBERO-Plus's order: tilt about the horizontal axis through the
      // pivot, orbit about the vertical axis, scale the distance from the
      // pivot, then re-aim (orientation only).
      const Eigen::Vector3d pivot(0, 0, arena_.surface_z);
      Eigen::Vector3d pos(camera_pos_[0], camera_pos_[1], camera_pos_[2]);
      Eigen::Quaterniond rot = Quat(camera_quat_.data());
      auto turn = [&](const Eigen::Vector3d& axis, double degrees, bool move) {
        const Eigen::Quaterniond r(Eigen::AngleAxisd(degrees * kDeg, axis));
        if (move) pos = pivot + r * (pos - pivot);
        rot = r * rot;
      };
      const double tilt = q.at("tilt_deg"), azimuth = q.at("azimuth_deg"), scale = q.at("distance_scale");
      const double yaw = q.at("yaw_deg"), pitch = q.at("pitch_deg");
      if (tilt != 0) turn(Eigen::Vector3d::UnitY(), -tilt, true);
      if (azimuth != 0) turn(Eigen::Vector3d::UnitZ(), azimuth, true);
      if (scale != 1) pos = pivot + scale * (pos - pivot);
      if (yaw != 0) turn(Eigen::Vector3d::UnitZ(), yaw, false);
      if (pitch != 0) turn(Eigen::Vector3d::UnitY(), -pitch, false);
      rot.normalize();
      for (int i = 0; i < 3; ++i) m->cam_pos[3 * camera_ + i] = pos[i];
      m->cam_quat[4 * camera_ + 0] = rot.w();
      m->cam_quat[4 * camera_ + 1] = rot.x();
      m->cam_quat[4 * camera_ + 2] = rot.y();
      m->cam_quat[4 * camera_ + 3] = rot.z();
    } else if (p->dimension == "light") {
      const double scale = q.at("intensity_scale"), ambient = q.at("ambient_scale");
      const auto colour = q.at("colour").get<std::vector<double>>();
      for (int i = 0; i < 3; ++i) {
        m->light_diffuse[3 * light_ + i] = static_cast<float>(std::clamp(light_diffuse_[i] * scale * colour[i], 0.0, 1.0));
        m->vis.headlight.diffuse[i] = static_cast<float>(std::clamp(head_diffuse_[i] * scale * colour[i], 0.0, 1.0));
        m->vis.headlight.ambient[i] = static_cast<float>(std::clamp(head_ambient_[i] * ambient, 0.0, 1.0));
      }
      // Tilt the key light's direction away from its default towards the
      // given azimuth.
      const Eigen::Vector3d dir = Eigen::Vector3d(light_dir_[0], light_dir_[1], light_dir_[2]).normalized();
      const double az = static_cast<double>(q.at("azimuth_deg")) * kDeg;
      const Eigen::Vector3d axis = Eigen::Vector3d(-std::sin(az), std::cos(az), 0);
      const Eigen::Vector3d tilted = Eigen::AngleAxisd(static_cast<double>(q.at("tilt_deg")) * kDeg, axis) * dir;
      for (int i = 0; i < 3; ++i) m->light_dir[3 * light_ + i] = static_cast<float>(tilted[i]);
      // Shadows only where the model has a shadow map (a run with --shadows).
      if (q.at("shadows").get<bool>() && m->vis.quality.shadowsize > 0) m->light_castshadow[light_] = 1;
    } else if (p->dimension == "background") {
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
    }
  } catch (const nlohmann::json::exception& e) {
    return Error{p->dimension + " perturbation: malformed parameters " + p->params.dump() + ": " + e.what()};
  }
  return Status::Ok();
}

Status ScenePerturber::ApplyToState(const mjModel* m, mjData* d, const std::optional<Perturbation>& p) const {
  if (!p || p->dimension != "robot_init") return Status::Ok();
  try {
    const double magnitude = p->params.at("magnitude_rad");
    const auto direction = p->params.at("direction").get<std::vector<double>>();
    if (direction.size() != arm_qpos_.size()) return Error{"robot_init: direction must have 7 values"};
    for (size_t i = 0; i < arm_qpos_.size(); ++i) {
      const int adr = arm_qpos_[i];
      double q = d->qpos[adr] + magnitude * direction[i];
      // Inside the joint's range (the first joint with this qpos address).
      for (int j = 0; j < m->njnt; ++j) {
        if (m->jnt_qposadr[j] == adr && m->jnt_limited[j]) q = std::clamp(q, m->jnt_range[2 * j], m->jnt_range[2 * j + 1]);
      }
      d->qpos[adr] = q;
      d->qvel[arm_dof_[i]] = 0;
    }
  } catch (const nlohmann::json::exception& e) {
    return Error{"robot_init perturbation: malformed parameters " + p->params.dump() + ": " + e.what()};
  }
  return Status::Ok();
}

}  // namespace gauntlet::envs::tabletop
