#include "envs/dualarm/seeded_random.h"

#include "harness/hashing.h"

namespace gauntlet::envs::dualarm {

SeededRandom::SeededRandom(std::uint64_t seed, std::string_view stream)
    : engine_(SplitMix64(seed ^ Fnv1a64(stream))) {}

}  // namespace gauntlet::envs::dualarm
