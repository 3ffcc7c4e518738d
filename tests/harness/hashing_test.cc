// The hashes behind stored seeds, state hashes and config hashes: published
// vectors, and values the code produced before the hashes were shared
// (harness/episode.cc, harness/run_metadata.cc and the others had their own
// copies), which any change would break in existing results files.
#include "harness/hashing.h"

#include <gtest/gtest.h>

#include <fstream>

#include "envs/perturbations/perturbation_sampler.h"
#include "harness/episode.h"
#include "harness/run_metadata.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

TEST(Hashing, Fnv1a64MatchesThePublishedVectors) {
  // Fowler, Noll, Vo: FNV-1a 64 test vectors.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
  // Hashing in pieces is hashing the whole.
  EXPECT_EQ(Fnv1a64("bar", Fnv1a64("foo")), Fnv1a64("foobar"));
  EXPECT_EQ(Hex16(Fnv1a64("a")), "af63dc4c8601ec8c");
  EXPECT_EQ(Hex16(0x1f), "000000000000001f");
}

TEST(Hashing, SplitMix64MatchesItsReferenceOutputs) {
  // splitmix64.c (Vigna) seeded with 0 returns the output function of
  // 0x9e3779b97f4a7c15 first, i.e. SplitMix64(0) here.
  EXPECT_EQ(SplitMix64(0), 0xe220a8397b1dcdafull);
  EXPECT_EQ(SplitMix64(1), 0x910a2dec89025cc1ull);
}

TEST(Hashing, StoredSeedsAndDigestsAreUnchanged) {
  // Captured from the code before the hashes were shared.
  const EpisodeKey key{"libero_spatial", "pick_up_the_black_bowl", "default", 3, 7};
  EXPECT_EQ(DeriveSeed(key, 0), 0xdc40a33a2c2d2f05ull);
  EXPECT_EQ(DeriveSeed(key, 42), 0x6e0ecc2700b6a587ull);
  EXPECT_EQ(DeriveSeed(EpisodeKey{"s", "t", "light_0.5", 0, 0}, 0xfedcba9876543210ull), 0x4c95cb1889232e8full);

  EXPECT_EQ(envs::SeedOf("light_0.5"), 0x05b2edf9a23f36edull);
  EXPECT_EQ(envs::SeedOf(""), 0xcbf29ce484222325ull);

  const std::string dir = testing::TempDir("hashing");
  std::ofstream(dir + "/a.txt", std::ios::binary) << "suite: x\n";
  std::ofstream(dir + "/b.txt", std::ios::binary) << "tasks";
  EXPECT_EQ(HashFiles({dir + "/a.txt", dir + "/b.txt"}), "2fd014bdb0bd2177");
  EXPECT_EQ(HashFiles({}), "cbf29ce484222325");

  // The tabletop state hash: FNV-1a over the raw bytes of time, qpos, ... .
  const double time = 0.25, qpos[3] = {1.0, -2.5, 3.0};
  EXPECT_EQ(Hex16(Fnv1a64Bytes(qpos, sizeof qpos, Fnv1a64Bytes(&time, sizeof time))), "7dd4c2773dd50979");
}

}  // namespace
}  // namespace gauntlet
