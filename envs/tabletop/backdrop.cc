#include "envs/tabletop/backdrop.h"

#include <sstream>

namespace gauntlet::envs::tabletop {

namespace {

// Contrast grows down the list: the first four keep the wood's hue and
// brightness, the last four are far from it in both.
const BackdropTexture kTableTextures[kTableTextureCount] = {
    {"flat", "random", {0.70, 0.58, 0.43}, {0.62, 0.50, 0.37}},
    {"checker", "none", {0.74, 0.62, 0.47}, {0.66, 0.55, 0.41}},
    {"gradient", "none", {0.76, 0.64, 0.50}, {0.62, 0.51, 0.38}},
    {"flat", "edge", {0.68, 0.57, 0.44}, {0.55, 0.45, 0.34}},
    {"checker", "none", {0.80, 0.72, 0.58}, {0.60, 0.50, 0.38}},
    {"flat", "random", {0.60, 0.52, 0.44}, {0.78, 0.70, 0.60}},
    {"gradient", "none", {0.82, 0.75, 0.62}, {0.55, 0.47, 0.36}},
    {"checker", "cross", {0.64, 0.60, 0.52}, {0.52, 0.47, 0.40}},
    {"flat", "none", {0.55, 0.55, 0.55}, {0.55, 0.55, 0.55}},
    {"checker", "none", {0.62, 0.62, 0.60}, {0.45, 0.45, 0.44}},
    {"flat", "random", {0.45, 0.50, 0.42}, {0.60, 0.66, 0.56}},
    {"gradient", "none", {0.85, 0.85, 0.82}, {0.55, 0.55, 0.52}},
    {"checker", "none", {0.35, 0.45, 0.55}, {0.50, 0.60, 0.70}},
    {"flat", "edge", {0.40, 0.55, 0.38}, {0.25, 0.35, 0.22}},
    {"gradient", "none", {0.30, 0.30, 0.34}, {0.62, 0.62, 0.66}},
    {"checker", "cross", {0.75, 0.35, 0.30}, {0.55, 0.22, 0.20}},
    {"checker", "none", {0.95, 0.95, 0.95}, {0.10, 0.10, 0.10}},
    {"flat", "none", {0.10, 0.25, 0.70}, {0.10, 0.25, 0.70}},
    {"checker", "none", {0.95, 0.85, 0.10}, {0.15, 0.15, 0.15}},
    {"flat", "random", {0.08, 0.08, 0.09}, {0.85, 0.10, 0.55}},
};

const BackdropTexture kWallStyles[kWallStyleCount] = {
    {"flat", "none", {0.55, 0.70, 0.85}, {0.55, 0.70, 0.85}},   // light blue
    {"flat", "none", {0.12, 0.18, 0.40}, {0.12, 0.18, 0.40}},   // dark blue
    {"checker", "none", {0.80, 0.78, 0.72}, {0.70, 0.68, 0.62}},  // tiles
    {"gradient", "none", {0.90, 0.88, 0.82}, {0.45, 0.42, 0.38}},  // shaded plaster
    {"flat", "random", {0.45, 0.28, 0.22}, {0.60, 0.40, 0.32}},  // brick-red
    {"checker", "edge", {0.25, 0.45, 0.28}, {0.18, 0.35, 0.20}},  // green panels
};

void Texture(std::ostringstream& x, const std::string& name, const BackdropTexture& t, double repeat) {
  x << "  <texture name=\"" << name << "_tex\" type=\"2d\" builtin=\"" << t.builtin << "\" rgb1=\"" << t.rgb1[0]
    << " " << t.rgb1[1] << " " << t.rgb1[2] << "\" rgb2=\"" << t.rgb2[0] << " " << t.rgb2[1] << " " << t.rgb2[2]
    << "\" width=\"64\" height=\"64\"";
  if (std::string(t.mark) != "none") {
    x << " mark=\"" << t.mark << "\" markrgb=\"" << t.rgb2[0] * 0.8 << " " << t.rgb2[1] * 0.8 << " " << t.rgb2[2] * 0.8
      << "\" random=\"0.05\"";
  }
  x << "/>\n  <material name=\"" << name << "\" texture=\"" << name << "_tex\" texrepeat=\"" << repeat << " "
    << repeat << "\"/>\n";
}

}  // namespace

const BackdropTexture& TableTexture(int index) { return kTableTextures[index]; }
const BackdropTexture& WallStyle(int index) { return kWallStyles[index]; }
std::string TableMaterialName(int index) { return "table_bg_" + std::to_string(index); }
std::string WallMaterialName(int index) { return "wall_bg_" + std::to_string(index); }

std::string BackdropAssets() {
  std::ostringstream x;
  x << "  <material name=\"" << kDefaultWallMaterial << "\" rgba=\"0.82 0.82 0.8 1\"/>\n";
  for (int i = 0; i < kTableTextureCount; ++i) Texture(x, TableMaterialName(i), kTableTextures[i], 4);
  for (int i = 0; i < kWallStyleCount; ++i) Texture(x, WallMaterialName(i), kWallStyles[i], 3);
  return x.str();
}

std::string BackdropWalls(const ArenaSpec& arena) {
  // Behind the arm and on both sides, far enough that no camera shift the
  // perturbations make looks past them, and never in contact with anything.
  const double back = arena.robot_base[0] - 0.9;
  std::ostringstream x;
  x << "<geom name=\"backdrop_back\" class=\"visual\" type=\"box\" size=\"0.02 2.2 1.5\" pos=\"" << back
    << " 0 1.5\" material=\"" << kDefaultWallMaterial << "\"/>\n";
  for (int side : {-1, 1}) {
    x << "<geom name=\"backdrop_" << (side < 0 ? "right" : "left") << "\" class=\"visual\" type=\"box\" "
      << "size=\"2.2 0.02 1.5\" pos=\"" << back + 2.2 << " " << side * 2.2 << " 1.5\" material=\""
      << kDefaultWallMaterial << "\"/>\n";
  }
  return x.str();
}

}  // namespace gauntlet::envs::tabletop
