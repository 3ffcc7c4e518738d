#include "harness/text_join.h"

#include <gtest/gtest.h>

namespace gauntlet {
namespace {

TEST(TextJoin, PutsTheSeparatorBetweenItemsOnly) {
  EXPECT_EQ(JoinText({}, ", "), "");
  EXPECT_EQ(JoinText({"agentview"}, ", "), "agentview");
  EXPECT_EQ(JoinText({"agentview", "wrist", ""}, ","), "agentview,wrist,");
}

}  // namespace
}  // namespace gauntlet
