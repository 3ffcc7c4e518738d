// The dual-arm family's random draws. Every draw is written out from the raw
// std::mt19937_64 stream, whose output the standard fixes, instead of going
// through std::uniform_real_distribution and friends, whose mapping is left
// to each standard library: a seed then gives the same scene on every
// platform. Each consumer draws from its own named stream of the episode's
// seed, so that adding draws to one (say, the workspace's clutter) never
// shifts another (the task objects' placement).
//
// Copyable value: a copy continues the same stream independently.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace gauntlet::envs::dualarm {

class SeededRandom {
 public:
  // The engine starts from SplitMix64(seed xor FNV-1a64(stream)).
  SeededRandom(std::uint64_t seed, std::string_view stream);

  // 53 random bits as a double in [0, 1): (x >> 11) * 2^-53.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // lo + (hi - lo) * Unit(): [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  // floor(n * Unit()): 0 .. n-1 (n > 0).
  int Index(int n) { return static_cast<int>(n * Unit()); }
  // Unit() < p.
  bool Chance(double p) { return Unit() < p; }
  // -1 or +1, each with probability 1/2 (Unit() < 0.5 gives -1).
  double Sign() { return Unit() < 0.5 ? -1.0 : 1.0; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace gauntlet::envs::dualarm
