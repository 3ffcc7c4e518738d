#include "envs/playtable/numpy_legacy_random.h"

#include <numeric>
#include <string>

#include "harness/check.h"

namespace gauntlet::envs::playtable {

namespace {

// MT19937's parameters (w=32, n=624, m=397, r=31).
constexpr int kShift = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfu;
constexpr std::uint32_t kUpperBit = 0x80000000u;

// One word of the twist: the top bit of `current`, the low 31 of `next`,
// multiplied by the companion matrix and added to the word m ahead.
std::uint32_t Twist(std::uint32_t current, std::uint32_t next, std::uint32_t ahead) {
  const std::uint32_t y = (current & kUpperBit) | (next & ~kUpperBit);
  return ahead ^ (y >> 1) ^ ((0u - (y & 1u)) & kMatrixA);
}

}  // namespace

NumpyLegacyRandom::NumpyLegacyRandom(std::uint32_t seed) {
  state_[0] = seed;
  for (std::size_t i = 1; i < kStateWords; ++i) {
    state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  }
}

void NumpyLegacyRandom::Regenerate() {
  constexpr int n = static_cast<int>(kStateWords);
  // The usual two loops (words whose m-ahead partner is not yet twisted,
  // then those whose partner is), the first split at a multiple of 4: GCC's
  // -O2 vectoriser only takes loops that need no scalar remainder.
  for (int i = 0; i < 224; ++i) state_[i] = Twist(state_[i], state_[i + 1], state_[i + kShift]);
  for (int i = 224; i < n - kShift; ++i) state_[i] = Twist(state_[i], state_[i + 1], state_[i + kShift]);
  for (int i = n - kShift; i < n - 1; ++i) state_[i] = Twist(state_[i], state_[i + 1], state_[i + kShift - n]);
  state_[n - 1] = Twist(state_[n - 1], state_[0], state_[kShift - 1]);
  for (int i = 0; i < n; ++i) {
    std::uint32_t y = state_[i];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    outputs_[i] = y;
  }
  next_ = 0;
}

double NumpyLegacyRandom::NextDouble() {
  const std::uint32_t a = NextUint32() >> 5;
  const std::uint32_t b = NextUint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

std::vector<int> NumpyLegacyRandom::Permutation(int n) {
  GAUNTLET_CHECK(n >= 0, "permutation of a negative count");
  std::vector<int> values(static_cast<std::size_t>(n));
  std::iota(values.begin(), values.end(), 0);
  Shuffle(values.begin(), values.end());
  return values;
}

std::vector<int> NumpyLegacyRandom::ChooseWithoutReplacement(int n, int k) {
  GAUNTLET_CHECK(k >= 0 && k <= n, "cannot choose " + std::to_string(k) + " of " + std::to_string(n));
  std::vector<int> chosen = Permutation(n);
  chosen.resize(static_cast<std::size_t>(k));
  return chosen;
}

}  // namespace gauntlet::envs::playtable
