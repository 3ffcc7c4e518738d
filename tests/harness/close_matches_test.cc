// Close matches for "unknown X" errors: typos and fragments come first, and
// every known name is still listed.
#include "harness/close_matches.h"

#include <gtest/gtest.h>

namespace gauntlet {
namespace {

TEST(CloseMatches, TyposAndFragmentsComeFirstAndEveryNameStaysListed) {
  const std::vector<std::string> suites = {"calvin", "libero_10", "libero_goal", "libero_object", "libero_spatial"};
  EXPECT_EQ(EditDistance("libero_spatail", "libero_spatial"), 2);
  EXPECT_EQ(CloseMatches("libero_spatail", suites).front(), "libero_spatial");
  EXPECT_EQ(CloseMatches("goal", suites), std::vector<std::string>{"libero_goal"});
  EXPECT_TRUE(CloseMatches("zzzzzzzzzz", suites).empty());
  EXPECT_EQ(KnownNames("libero_spatail", suites),
            "did you mean 'libero_spatial'? known: libero_spatial, calvin, libero_10, libero_goal, libero_object");
  EXPECT_EQ(KnownNames("zzzzzzzzzz", {"a", "b"}), "known: a, b");
}

}  // namespace
}  // namespace gauntlet
