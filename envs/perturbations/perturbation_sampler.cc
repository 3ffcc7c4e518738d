#include "envs/perturbations/perturbation_sampler.h"

#include <cmath>
#include <random>

#include "harness/check.h"
#include "harness/hashing.h"

namespace gauntlet::envs {

std::uint64_t SeedOf(const std::string& text) { return Fnv1a64(text); }

namespace {

double Round4(double v) { return std::round(v * 1e4) / 1e4; }

// Uniform in (lo, hi], signed at random when `signed_draw`.
double Draw(std::mt19937_64& rng, double lo, double hi, bool signed_draw) {
  std::uniform_real_distribution<double> u(lo, hi);
  double v = u(rng);
  if (v == lo) v = hi;
  if (signed_draw && std::bernoulli_distribution(0.5)(rng)) v = -v;
  return Round4(v);
}

nlohmann::json Camera(std::mt19937_64& rng, int level) {
  nlohmann::json p = {{"azimuth_deg", 0.0}, {"tilt_deg", 0.0}, {"distance_scale", 1.0}, {"yaw_deg", 0.0}, {"pitch_deg", 0.0}};
  const char* const names[] = {"azimuth_deg", "tilt_deg", "distance_scale", "yaw_deg", "pitch_deg"};
  // One or two of the five change (as in LIBERO-Plus's variants); the orbit
  // (azimuth) is the most common shift, so it is always a candidate twice.
  std::uniform_int_distribution<int> pick(0, 5);
  const int count = std::bernoulli_distribution(0.5)(rng) ? 2 : 1;
  int chosen[2] = {-1, -1};
  for (int c = 0; c < count; ++c) {
    int k;
    do {
      k = pick(rng);
      k = k == 5 ? 0 : k;
    } while (c == 1 && k == chosen[0]);
    chosen[c] = k;
    switch (k) {
      case 0: p[names[k]] = Draw(rng, 15.0 * (level - 1), 15.0 * level, true); break;
      case 1: p[names[k]] = Draw(rng, 3.0 * (level - 1), 3.0 * level, false); break;
      case 2: p[names[k]] = Round4(1.0 + Draw(rng, 0.2 * (level - 1), 0.2 * level, false)); break;
      default: p[names[k]] = Draw(rng, 2.0 * (level - 1), 2.0 * level, true); break;
    }
  }
  return p;
}

nlohmann::json RobotInit(std::mt19937_64& rng, int level) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> u(7);
  double norm = 0;
  for (double& v : u) {
    v = n(rng);
    norm += v * v;
  }
  norm = std::sqrt(norm);
  for (double& v : u) v /= norm;
  return {{"magnitude_rad", 0.1 * level}, {"direction", u}, {"applied", "after the object state is restored"}};
}

nlohmann::json Light(std::mt19937_64& rng, int level) {
  const bool brighter = std::bernoulli_distribution(0.5)(rng);
  const double change = Draw(rng, 0.12 * (level - 1), 0.12 * level, false);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::vector<double> colour(3);
  for (double& c : colour) c = Round4(1.0 + 0.08 * level * unit(rng));
  return {{"intensity_scale", Round4(brighter ? 1 + change : std::max(0.15, 1 - change))},
          {"tilt_deg", Draw(rng, 10.0 * (level - 1), 10.0 * level, false)},
          {"azimuth_deg", Round4(std::uniform_real_distribution<double>(0, 360)(rng))},
          {"colour", colour},
          {"ambient_scale", Round4(brighter ? 1 + 0.5 * change : std::max(0.2, 1 - 0.5 * change))},
          {"shadows", level >= 4}};
}

}  // namespace

Perturbation SamplePerturbation(const std::string& dimension, int level, int index) {
  GAUNTLET_CHECK(level >= 1 && level <= MaxLevel(dimension), "perturbation level out of range");
  const std::string id = VariantId(dimension, level, index);
  std::mt19937_64 rng(SeedOf("gauntlet/perturbation/v1/" + id));
  Perturbation p;
  p.dimension = dimension;
  p.level = level;
  if (dimension == "camera") {
    p.params = Camera(rng, level);
  } else if (dimension == "robot_init") {
    p.params = RobotInit(rng, level);
  } else if (dimension == "language") {
    static const char* const kinds[] = {"paraphrase", "reorder", "context", "distractor"};
    p.params = {{"kind", kinds[level - 1]}, {"index", index}};
  } else if (dimension == "light") {
    p.params = Light(rng, level);
  } else if (dimension == "background") {
    // Textures are ordered by contrast with the default table, four per
    // level; walls cycle through their styles.
    p.params = {{"texture", 4 * (level - 1) + static_cast<int>(rng() % 4)}, {"wall", static_cast<int>(rng() % 6)}};
  } else if (dimension == "noise") {
    static const char* const kinds[] = {"motion_blur", "gaussian_blur", "zoom_blur", "fog", "glass_blur"};
    p.params = {{"kind", kinds[index % 5]}, {"severity", level}, {"seed", rng() >> 11}};
  } else if (dimension == "layout") {
    if (index % 2 == 0) {
      p.params = {{"mode", "shift"}, {"max_cm", level}, {"min_cm", level - 1}, {"seed", rng() >> 11}};
    } else {
      p.params = {{"mode", "distractors"}, {"count", level}, {"seed", rng() >> 11}};
    }
  } else {
    GAUNTLET_CHECK(false, "unknown perturbation dimension " + dimension);
  }
  return p;
}

}  // namespace gauntlet::envs
