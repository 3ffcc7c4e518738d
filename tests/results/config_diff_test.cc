#include "results/config_diff.h"

#include <gtest/gtest.h>

namespace gauntlet::results {
namespace {

TEST(ConfigDiffTest, CanonicalFormIgnoresKeyOrderAndSpacing) {
  Result<std::string> a = CanonicalizeConfig(R"({"b": 1, "a": {"y": [1, 2], "x": "s"}})");
  Result<std::string> b = CanonicalizeConfig(R"({"a":{"x":"s","y":[1,2]},"b":1})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value(), R"({"a":{"x":"s","y":[1,2]},"b":1})");
  EXPECT_EQ(a.value(), b.value());
  EXPECT_EQ(HashConfig(a.value()), HashConfig(b.value()));
  EXPECT_NE(HashConfig(a.value()), HashConfig(R"({"b":2})"));
}

TEST(ConfigDiffTest, HashIsStableAcrossBuilds) {
  // FNV-1a 64 of the empty string and of "a": published test vectors.
  EXPECT_EQ(HashConfig(""), "cbf29ce484222325");
  EXPECT_EQ(HashConfig("a"), "af63dc4c8601ec8c");
}

TEST(ConfigDiffTest, RejectsAnythingButAnObject) {
  EXPECT_FALSE(CanonicalizeConfig("[1]").ok());
  EXPECT_FALSE(CanonicalizeConfig("{not json").ok());
  EXPECT_FALSE(CanonicalizeConfig("").ok());
}

TEST(ConfigDiffTest, ListsChangedAddedAndRemovedLeavesInKeyOrder) {
  std::string before = R"({"protocol": {"max_steps": 220, "settle": 10}, "tasks": ["a", "b"],
                           "policy": {"kind": "oracle"}})";
  std::string after = R"({"protocol": {"max_steps": 300, "settle": 10}, "tasks": ["a"],
                          "policy": {"kind": "noop", "noise": 0.1}})";
  EXPECT_EQ(DescribeConfigChanges(before, after),
            R"(policy.kind: "oracle" -> "noop"; policy.noise: (absent) -> 0.1; )"
            R"(protocol.max_steps: 220 -> 300; tasks.1: "b" -> (absent))");
  EXPECT_EQ(DescribeConfigChanges(before, before), "");
}

TEST(ConfigDiffTest, EmptyContainersAreLeaves) {
  EXPECT_EQ(DescribeConfigChanges(R"({})", R"({"extra": {}})"), "extra: (absent) -> {}");
}

}  // namespace
}  // namespace gauntlet::results
