// numpy's legacy generator (np.random.seed / np.random.RandomState, numpy
// 1.x), reduced to the draws CALVIN's evaluation makes: its chain generator
// and its start scenes are defined by numpy's exact output stream, so
// reproducing the 1000 chains means reproducing these primitives bit for bit.
//
// The engine is MT19937 (Matsumoto & Nishimura 1998), the same stream as
// std::mt19937 (tests compare them). It is written out rather than wrapping
// std::mt19937 because the chain generator draws ~3e8 numbers: libstdc++'s
// engine keeps 64-bit words and tempers one output per call, while this one
// regenerates and tempers 624 outputs at a time in loops the compiler
// vectorises, about four times faster.
//
// Copyable value: a copy continues the same stream independently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace gauntlet::envs::playtable {

class NumpyLegacyRandom {
 public:
  // np.random.seed(seed): MT19937's init_genrand.
  explicit NumpyLegacyRandom(std::uint32_t seed);

  std::uint32_t NextUint32() {
    if (next_ == kStateWords) Regenerate();
    return outputs_[next_++];
  }

  // numpy's random_interval: uniform on [0, max] by masked rejection. The
  // mask is the smallest all-ones value >= max; draws above max are redrawn,
  // so the number of 32-bit draws consumed depends on their values.
  std::uint32_t RandomInterval(std::uint32_t max) {
    if (max == 0) return 0;
    const std::uint32_t mask = IntervalMask(max);
    std::uint32_t value;
    do {
      value = NextUint32() & mask;
    } while (value > max);
    return value;
  }

  // numpy's 53-bit double from two draws: ((a >> 5) * 2^26 + (b >> 6)) / 2^53.
  double NextDouble();
  // np.random.uniform(lo, hi) = lo + (hi - lo) * NextDouble().
  double Uniform(double lo, double hi) { return lo + (hi - lo) * NextDouble(); }

  // np.random.shuffle: Fisher–Yates from the back, for k = n-1 .. 1 swap
  // element k with element RandomInterval(k). numpy runs the same loop for
  // arrays and lists, so it also serves np.random.permutation.
  template <typename RandomIt>
  void Shuffle(RandomIt first, RandomIt last) {
    const auto n = std::distance(first, last);
    for (auto k = n - 1; k > 0; --k) {
      const auto j = RandomInterval(static_cast<std::uint32_t>(k));
      std::swap(first[k], first[j]);
    }
  }

  // np.random.permutation(n): 0 .. n-1 shuffled.
  std::vector<int> Permutation(int n);
  // np.random.choice(n, k, replace=False) without probabilities, which numpy
  // defines as permutation(n)[:k]: it consumes the draws of a full shuffle.
  std::vector<int> ChooseWithoutReplacement(int n, int k);

 private:
  static constexpr std::size_t kStateWords = 624;  // MT19937's n

  // The smallest all-ones value >= max (max > 0).
  static std::uint32_t IntervalMask(std::uint32_t max) {
    max |= max >> 1;
    max |= max >> 2;
    max |= max >> 4;
    max |= max >> 8;
    max |= max >> 16;
    return max;
  }
  void Regenerate();  // twists the state and tempers the next 624 outputs

  std::uint32_t state_[kStateWords];
  std::uint32_t outputs_[kStateWords];
  std::size_t next_ = kStateWords;  // index of the next unread output
};

}  // namespace gauntlet::envs::playtable
