#include "envs/playtable/desk_backdrop.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace gauntlet::envs::playtable {

namespace {

constexpr int kTextures = 20, kWallStyles = 6;  // the sampler's ranges (perturbation_sampler.h)

// Far from the desk's wood in hue or brightness, and from the blocks' red,
// blue and pink, so the blocks stay the scene's only saturated colours.
constexpr std::array<float, 3> kFarColours[4] = {
    {0.08f, 0.08f, 0.09f},  // near black
    {0.93f, 0.93f, 0.90f},  // near white
    {0.10f, 0.45f, 0.45f},  // teal
    {0.90f, 0.80f, 0.20f},  // yellow
};

constexpr std::array<float, 3> kFloorTints[kWallStyles] = {
    {0.60f, 0.75f, 0.90f}, {0.30f, 0.35f, 0.60f}, {0.90f, 0.85f, 0.75f},
    {0.65f, 0.65f, 0.65f}, {0.80f, 0.50f, 0.40f}, {0.45f, 0.70f, 0.50f},
};

}  // namespace

DeskBackdrop::DeskBackdrop(const mjModel* m, const DeskLayout& layout) {
  for (int i = 0; i < 3; ++i) wood_rgba_[i] = static_cast<float>(layout.desk_rgb[i]);
  wood_rgba_[3] = 1;
  for (int g = 0; g < m->ngeom; ++g) {
    bool same = true;
    for (int i = 0; i < 4; ++i) same = same && std::abs(m->geom_rgba[4 * g + i] - wood_rgba_[i]) < 1e-6f;
    if (same) wood_.push_back(g);
  }
  floor_material_ = m->geom_matid[mj_name2id(m, mjOBJ_GEOM, "floor")];
  if (floor_material_ >= 0) {
    std::copy(m->mat_rgba + 4 * floor_material_, m->mat_rgba + 4 * floor_material_ + 4, floor_rgba_.begin());
  }
}

Status DeskBackdrop::Apply(mjModel* m, const std::optional<Perturbation>& p) const {
  for (int g : wood_) std::copy(wood_rgba_.begin(), wood_rgba_.end(), m->geom_rgba + 4 * g);
  if (floor_material_ >= 0) std::copy(floor_rgba_.begin(), floor_rgba_.end(), m->mat_rgba + 4 * floor_material_);
  if (!p || p->dimension != "background") return Status::Ok();
  int texture = 0, wall = 0;
  try {
    texture = p->params.at("texture");
    wall = p->params.at("wall");
  } catch (const nlohmann::json::exception& e) {
    return Error{"background perturbation: malformed parameters " + p->params.dump() + ": " + e.what()};
  }
  if (texture < 0 || texture >= kTextures || wall < 0 || wall >= kWallStyles) {
    return Error{"background: texture " + std::to_string(texture) + " / wall " + std::to_string(wall) + " out of range"};
  }
  const float weight = 0.2f * static_cast<float>(texture / 4 + 1);
  const std::array<float, 3>& far = kFarColours[texture % 4];
  for (int g : wood_) {
    for (int i = 0; i < 3; ++i) m->geom_rgba[4 * g + i] = (1 - weight) * wood_rgba_[i] + weight * far[i];
  }
  if (floor_material_ >= 0) {
    for (int i = 0; i < 3; ++i) m->mat_rgba[4 * floor_material_ + i] = floor_rgba_[i] * kFloorTints[wall][i];
  }
  return Status::Ok();
}

}  // namespace gauntlet::envs::playtable
