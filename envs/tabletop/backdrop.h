// The scene's backdrop: walls around the workspace and the library of table
// textures and wall styles the `background` perturbation switches between.
// Everything here is visual (no contacts): switching it never moves physics.
#pragma once

#include <array>
#include <string>

#include "envs/tabletop/scene_builder.h"

namespace gauntlet::envs::tabletop {

// Table textures, ordered by contrast with the default wooden top: four per
// background level, level 1 (wood-like) .. 5 (black-and-white, saturated).
inline constexpr int kTableTextureCount = 20;
inline constexpr int kWallStyleCount = 6;

struct BackdropTexture {
  const char* builtin;  // MuJoCo procedural texture: checker, gradient, flat
  const char* mark;     // none, edge, cross, random
  std::array<double, 3> rgb1, rgb2;
};
const BackdropTexture& TableTexture(int index);
const BackdropTexture& WallStyle(int index);

// Material names in the model.
std::string TableMaterialName(int index);
std::string WallMaterialName(int index);
inline constexpr const char* kDefaultWallMaterial = "wall_default";
inline constexpr const char* kTableTopGeom = "table_top";

// <texture>/<material> elements for the <asset> section.
std::string BackdropAssets();
// Visual walls behind and beside the arena (geoms named backdrop_*).
std::string BackdropWalls(const ArenaSpec& arena);

}  // namespace gauntlet::envs::tabletop
