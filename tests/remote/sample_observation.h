// A tabletop-shaped observation with distinct, deterministic contents.
#pragma once

#include <string>

#include "harness/observation.h"

namespace gauntlet::testing {

inline Image PatternImage(int width, int height, int seed) {
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = static_cast<std::uint8_t>((i * 7 + seed * 31) % 251);
  return image;
}

inline Observation SampleObservation(int size = 16, int seed = 0) {
  Observation obs;
  obs.images["agentview"] = PatternImage(size, size, seed);
  obs.images["wrist"] = PatternImage(size, size, seed + 1);
  obs.state["eef_pos"] = {-0.1 + 0.01 * seed, 0.02, 1.05};
  obs.state["eef_quat"] = {0, 1, 0, 0};
  obs.state["eef_axis_angle"] = {3.14159, 0.0, 0.2 + 0.01 * seed};
  obs.state["gripper_qpos"] = {0.039, 0.038};
  obs.state["joint_pos"] = {0, -0.2, 0, -2.4, 0, 2.2, 0.78};
  obs.state["joint_vel"] = {0, 0, 0, 0, 0, 0, 0};
  obs.instruction = "pick up the black bowl and place it on the plate";
  obs.step = 4 * seed;
  return obs;
}

}  // namespace gauntlet::testing
