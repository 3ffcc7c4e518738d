// The parameters of a perturbation variant, drawn from its id alone
// ("camera-L3-2" -> the same camera shift in every task, run and machine).
// Parameters are family-neutral; each family applies them to its own world.
//
//   camera      third-person camera only, moved as LIBERO-Plus does: orbit
//               about the vertical axis through the table centre (azimuth),
//               tilt, distance from the pivot (x scale), re-aim yaw/pitch; one
//               or two of the five change, with magnitudes growing with the
//               level (azimuth up to 15L deg, distance up to 1 + 0.2L, ...)
//   robot_init  arm joints offset by 0.1 L rad along a seeded unit direction
//   language    the pool variant of kind paraphrase/reorder/context/distractor
//               (level 1..4), index within that kind
//   light       intensity, direction, colour and ambient of the scene light
//   background  table texture and wall style, from a contrast bin per level
//   noise       third-person image corruption (kind cycles with the index),
//               severity = level (1..10)
//   layout      region shift of up to L cm (even index) or L added distractor
//               objects (odd index)
#pragma once

#include <cstdint>
#include <string>

#include "harness/perturbation.h"

namespace gauntlet::envs {

Perturbation SamplePerturbation(const std::string& dimension, int level, int index);

// A 64-bit seed from a text (the variant id, a region name): FNV-1a.
std::uint64_t SeedOf(const std::string& text);

}  // namespace gauntlet::envs
