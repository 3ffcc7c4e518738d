// The background perturbation's textures are ordered by contrast with the
// default wooden table top: each level's four are further from it than the
// previous level's.
#include "envs/tabletop/backdrop.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gauntlet::envs::tabletop {
namespace {

// Distance of a texture's mean colour from the default top (0.72 0.6 0.45),
// plus its own internal contrast (a checker of black and white is far from
// any plain wood even if its mean were close).
double Contrast(const BackdropTexture& t) {
  const double wood[3] = {0.72, 0.6, 0.45};
  double mean = 0, internal = 0;
  for (int c = 0; c < 3; ++c) {
    const double m = (t.rgb1[c] + t.rgb2[c]) / 2;
    mean += (m - wood[c]) * (m - wood[c]);
    internal += (t.rgb1[c] - t.rgb2[c]) * (t.rgb1[c] - t.rgb2[c]);
  }
  return std::sqrt(mean) + 0.5 * std::sqrt(internal);
}

TEST(Backdrop, TextureLevelsGrowInContrastWithTheDefaultTable) {
  double previous = -1;
  for (int level = 0; level < kTableTextureCount / 4; ++level) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += Contrast(TableTexture(4 * level + i));
    EXPECT_GT(sum / 4, previous) << "level " << level + 1;
    previous = sum / 4;
  }
}

TEST(Backdrop, TheModelHoldsEveryTextureAndWallStyle) {
  const std::string assets = BackdropAssets();
  for (int i = 0; i < kTableTextureCount; ++i) {
    EXPECT_NE(assets.find("name=\"" + TableMaterialName(i) + "\""), std::string::npos) << i;
  }
  for (int i = 0; i < kWallStyleCount; ++i) {
    EXPECT_NE(assets.find("name=\"" + WallMaterialName(i) + "\""), std::string::npos) << i;
  }
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
