// The sensor-noise corruptions: LIBERO-Plus's numbering, determinism from the
// seed, severity ordering, and the properties each formula guarantees.
#include "envs/perturbations/image_noise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "harness/check.h"

namespace gauntlet::envs {
namespace {

constexpr NoiseKind kAllKinds[] = {NoiseKind::kMotionBlur, NoiseKind::kGaussianBlur,
                                   NoiseKind::kZoomBlur, NoiseKind::kFog, NoiseKind::kGlassBlur};

// An 8-px checkerboard over colour gradients: edges everywhere for the blurs
// to smear, and no two rows alike. `brightness` shifts the whole image.
Image TexturedImage(int width, int height, int brightness = 128) {
  Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int checker = ((x / 8 + y / 8) % 2) ? 40 : -40;
      const int channel[3] = {brightness + checker + 40 * x / width - 20,
                              brightness + checker + 40 * y / height - 20,
                              brightness + checker};
      for (int c = 0; c < 3; ++c)
        image.rgb[(std::size_t(y) * width + x) * 3 + c] =
            static_cast<std::uint8_t>(std::clamp(channel[c], 0, 255));
    }
  }
  return image;
}

Image FlatImage(int width, int height, std::uint8_t value) {
  return Image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3, value)};
}

double MeanAbsoluteDifference(const Image& a, const Image& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(int(a.rgb[i]) - int(b.rgb[i]));
  return sum / a.rgb.size();
}

// Mean over rows [first, last).
double MeanOfRows(const Image& image, int first, int last) {
  double sum = 0;
  for (std::size_t i = std::size_t(first) * image.width * 3; i < std::size_t(last) * image.width * 3; ++i)
    sum += image.rgb[i];
  return sum / (double(last - first) * image.width * 3);
}

double Mean(const Image& image) { return MeanOfRows(image, 0, image.height); }

bool IsSeeded(NoiseKind kind) {
  return kind == NoiseKind::kMotionBlur || kind == NoiseKind::kFog || kind == NoiseKind::kGlassBlur;
}

TEST(ImageNoiseNumbering, NoiseFromIndexFollowsLiberoPlus) {
  EXPECT_EQ(NoiseFromIndex(1), std::make_pair(NoiseKind::kMotionBlur, 1));
  EXPECT_EQ(NoiseFromIndex(10), std::make_pair(NoiseKind::kMotionBlur, 10));
  EXPECT_EQ(NoiseFromIndex(11), std::make_pair(NoiseKind::kGaussianBlur, 1));
  EXPECT_EQ(NoiseFromIndex(21), std::make_pair(NoiseKind::kZoomBlur, 1));
  EXPECT_EQ(NoiseFromIndex(35), std::make_pair(NoiseKind::kFog, 5));
  EXPECT_EQ(NoiseFromIndex(41), std::make_pair(NoiseKind::kGlassBlur, 1));
  EXPECT_EQ(NoiseFromIndex(50), std::make_pair(NoiseKind::kGlassBlur, 10));
  EXPECT_THROW(NoiseFromIndex(0), InvariantError);
  EXPECT_THROW(NoiseFromIndex(51), InvariantError);
}

TEST(ImageNoiseNames, ParseInvertsToString) {
  for (NoiseKind kind : kAllKinds) {
    const auto parsed = ParseNoiseKind(ToString(kind));
    ASSERT_TRUE(parsed.ok()) << ToString(kind);
    EXPECT_EQ(parsed.value(), kind);
  }
  const auto unknown = ParseNoiseKind("blur");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("glass_blur"), std::string::npos) << unknown.error().message;
}

TEST(ImageNoiseParams, RecordKindSeverityAndTableValues) {
  const auto motion = NoiseParams(NoiseKind::kMotionBlur, 1, 7);
  EXPECT_EQ(motion["kind"], "motion_blur");
  EXPECT_EQ(motion["severity"], 1);
  EXPECT_EQ(motion["seed"], 7u);
  EXPECT_EQ(motion["radius"], 5);
  EXPECT_EQ(motion["sigma"], 2.0);
  const double angle = motion["angle_degrees"];
  EXPECT_GE(angle, -45.0);
  EXPECT_LT(angle, 45.0);
  EXPECT_EQ(NoiseParams(NoiseKind::kMotionBlur, 10, 7)["angle_degrees"], angle)
      << "the angle depends on the seed alone";
  EXPECT_NE(NoiseParams(NoiseKind::kMotionBlur, 1, 8)["angle_degrees"], angle);
  EXPECT_EQ(NoiseParams(NoiseKind::kMotionBlur, 10, 7)["radius"], 35);
  EXPECT_EQ(NoiseParams(NoiseKind::kMotionBlur, 10, 7)["sigma"], 20.0);

  EXPECT_EQ(NoiseParams(NoiseKind::kGaussianBlur, 10, 0)["sigma"], 10);

  // numpy.arange(1, 1.11, 0.01) has 12 values (float rounding), 1.00 .. 1.11.
  const auto zoom = NoiseParams(NoiseKind::kZoomBlur, 1, 0);
  EXPECT_EQ(zoom["kind"], "zoom_blur");
  ASSERT_EQ(zoom["zoom_factors"].size(), 12u);
  EXPECT_EQ(zoom["zoom_factors"][0], 1.0);
  EXPECT_NEAR(zoom["zoom_factors"][11].get<double>(), 1.11, 1e-12);
  // arange(1, 1.56, 0.03): 1.00 .. 1.54, 19 values.
  EXPECT_EQ(NoiseParams(NoiseKind::kZoomBlur, 10, 0)["zoom_factors"].size(), 19u);

  const auto fog = NoiseParams(NoiseKind::kFog, 10, 0);
  EXPECT_EQ(fog["strength"], 5.0);
  EXPECT_EQ(fog["wibble_decay"], 1.3);
  EXPECT_EQ(NoiseParams(NoiseKind::kFog, 1, 0)["wibble_decay"], 3.0);

  const auto glass = NoiseParams(NoiseKind::kGlassBlur, 10, 0);
  EXPECT_EQ(glass["severity"], 10);
  EXPECT_EQ(glass["sigma"], 2.5);
  EXPECT_EQ(glass["max_delta"], 5);
  EXPECT_EQ(glass["iterations"], 1);
  EXPECT_EQ(NoiseParams(NoiseKind::kGlassBlur, 1, 0)["iterations"], 3);

  EXPECT_THROW(NoiseParams(NoiseKind::kFog, 11, 0), InvariantError);
}

class ImageNoiseKindTest : public ::testing::TestWithParam<NoiseKind> {};

TEST_P(ImageNoiseKindTest, SameSeedGivesTheSameBytes) {
  const Image image = TexturedImage(128, 128);
  for (int severity : {1, 10}) {
    EXPECT_EQ(Corrupt(image, GetParam(), severity, 42).rgb, Corrupt(image, GetParam(), severity, 42).rgb)
        << "severity " << severity;
  }
}

TEST_P(ImageNoiseKindTest, OnlySeededKindsDependOnTheSeed) {
  const Image image = TexturedImage(128, 128);
  for (int severity : {1, 10}) {
    const bool same = Corrupt(image, GetParam(), severity, 1).rgb ==
                      Corrupt(image, GetParam(), severity, 2).rgb;
    EXPECT_EQ(same, !IsSeeded(GetParam())) << "severity " << severity;
  }
}

TEST_P(ImageNoiseKindTest, HigherSeverityChangesTheImageMore) {
  for (const Image& image : {TexturedImage(128, 128), TexturedImage(160, 120)}) {
    const double mild = MeanAbsoluteDifference(image, Corrupt(image, GetParam(), 1, 3));
    const double severe = MeanAbsoluteDifference(image, Corrupt(image, GetParam(), 10, 3));
    EXPECT_GT(mild, 0.5) << image.width << "x" << image.height;
    EXPECT_GT(severe, mild) << image.width << "x" << image.height;
  }
}

// Dark top half, bright bottom half: after a mild corruption the top is still
// darker, so no step flips the rows; and the size is kept, square or not.
TEST_P(ImageNoiseKindTest, KeepsSizeAndRowOrder) {
  Image image = TexturedImage(160, 120);
  for (std::size_t i = 0; i < image.rgb.size(); ++i)
    image.rgb[i] = i < image.rgb.size() / 2 ? image.rgb[i] / 4 : 191 + image.rgb[i] / 4;
  for (int severity : {1, 10}) {
    const Image out = Corrupt(image, GetParam(), severity, 5);
    EXPECT_EQ(out.width, 160);
    EXPECT_EQ(out.height, 120);
    EXPECT_EQ(out.rgb.size(), image.rgb.size());
  }
  const Image mild = Corrupt(image, GetParam(), 1, 5);
  EXPECT_LT(MeanOfRows(mild, 0, 30) + 20, MeanOfRows(mild, 90, 120));
}

INSTANTIATE_TEST_SUITE_P(ImageNoise, ImageNoiseKindTest, ::testing::ValuesIn(kAllKinds),
                         [](const auto& info) { return std::string(ToString(info.param)); });

// Every blur averages, so a flat image stays exactly flat: this also checks
// that truncation to uint8 (as LIBERO-Plus does) does not lose a level to
// float rounding.
TEST(ImageNoiseBlurs, FlatImageStaysFlat) {
  for (NoiseKind kind : {NoiseKind::kMotionBlur, NoiseKind::kGaussianBlur, NoiseKind::kZoomBlur,
                         NoiseKind::kGlassBlur}) {
    for (int value : {0, 1, 128, 200, 255}) {
      for (int severity : {1, 10}) {
        const Image flat = FlatImage(96, 64, static_cast<std::uint8_t>(value));
        EXPECT_EQ(Corrupt(flat, kind, severity, 9).rgb, flat.rgb)
            << ToString(kind) << " severity " << severity << " value " << value;
      }
    }
  }
}

// Fog adds a [0, strength] map and rescales by max/(max + strength): dark
// images get lighter, bright ones darker, more so at higher severity. (The
// rescale keeps an image's maximum, so the dark image gets one white pixel.)
TEST(ImageNoiseFog, PullsTowardsGrey) {
  Image dark = TexturedImage(128, 128, 50);
  dark.rgb[0] = 255;
  const Image bright = TexturedImage(128, 128, 200);
  double previous_dark = Mean(dark), previous_bright = Mean(bright);
  for (int severity : {1, 10}) {
    const double dark_mean = Mean(Corrupt(dark, NoiseKind::kFog, severity, 11));
    const double bright_mean = Mean(Corrupt(bright, NoiseKind::kFog, severity, 11));
    EXPECT_GT(dark_mean, previous_dark + 5) << "severity " << severity;
    EXPECT_LT(bright_mean, previous_bright - 5) << "severity " << severity;
    previous_dark = dark_mean;
    previous_bright = bright_mean;
  }
}

TEST(ImageNoiseChecks, RejectsBadSeverityAndImage) {
  const Image image = TexturedImage(32, 32);
  EXPECT_THROW(Corrupt(image, NoiseKind::kGaussianBlur, 0, 0), InvariantError);
  EXPECT_THROW(Corrupt(image, NoiseKind::kGaussianBlur, 11, 0), InvariantError);
  Image broken = image;
  broken.rgb.pop_back();
  EXPECT_THROW(Corrupt(broken, NoiseKind::kFog, 1, 0), InvariantError);
}

}  // namespace
}  // namespace gauntlet::envs
