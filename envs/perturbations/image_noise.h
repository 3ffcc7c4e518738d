// The `noise` perturbation: LIBERO-Plus's sensor-noise image corruptions.
//
// LIBERO-Plus (envs/env_wrapper.py, ControlEnv.step/reset) corrupts the
// agent-view image, never the wrist image, with one of five ImageNet-C-style
// corruptions at ten severities; a variant `_noise_{n}`, n in 1..50, names
// both. The formulas and parameter tables here are LIBERO-Plus's; the random
// draws (motion angle, fog map, glass-blur pixel moves) come from an explicit
// seed instead of numpy's unseeded global generator, so a corrupted frame is
// reproducible byte for byte. Where a step could not be reproduced exactly
// (ImageMagick's motion blur, scipy/skimage float details) image_noise.cc says
// what was approximated.
//
// Thread-safety: every function is pure; call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet::envs {

enum class NoiseKind { kMotionBlur, kGaussianBlur, kZoomBlur, kFog, kGlassBlur };

inline constexpr int kNoiseSeverities = 10;                    // severities 1..10 per kind
inline constexpr int kNoiseVariants = 5 * kNoiseSeverities;    // LIBERO-Plus's `_noise_{1..50}`

// "motion_blur", "gaussian_blur", "zoom_blur", "fog", "glass_blur".
const char* ToString(NoiseKind kind);
Result<NoiseKind> ParseNoiseKind(const std::string& text);

// LIBERO-Plus's numbering: variant n in 1..50 is kind (n-1)/10 in the order
// of NoiseKind (1-10 motion, 11-20 gaussian, 21-30 zoom, 31-40 fog, 41-50
// glass) at severity (n-1)%10 + 1. Precondition: 1 <= n <= 50.
std::pair<NoiseKind, int> NoiseFromIndex(int n);

// The corrupted copy of `image` (same width, height and row order). Every
// random draw comes from a std::mt19937_64 seeded with `seed`, so the same
// (image, kind, severity, seed) gives identical bytes on every run.
// Gaussian and zoom blur draw nothing and ignore `seed`.
// Preconditions: 1 <= severity <= 10; image non-empty with rgb of size
// width*height*3.
Image Corrupt(const Image& image, NoiseKind kind, int severity, std::uint64_t seed);

// What Corrupt(., kind, severity, seed) applies, for the results record: kind,
// severity, seed, the severity's table values and the draws that do not
// depend on the image (the motion-blur angle). Precondition as for Corrupt.
nlohmann::json NoiseParams(NoiseKind kind, int severity, std::uint64_t seed);

}  // namespace gauntlet::envs
