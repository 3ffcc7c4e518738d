// Parameter selection by name patterns: globs, regular expressions,
// include/exclude lists, and the typo check (patterns matching nothing).
#include "merging/parameter_selection.h"

#include <gtest/gtest.h>

namespace gauntlet::merging {
namespace {

TEST(GlobMatches, StarAndQuestionMarkSpanDots) {
  EXPECT_TRUE(GlobMatches("*", "a.b.c"));
  EXPECT_TRUE(GlobMatches("vlm.*.lora_*", "vlm.layers.3.q.lora_A"));
  EXPECT_TRUE(GlobMatches("blocks.?.w", "blocks.7.w"));
  EXPECT_FALSE(GlobMatches("blocks.?.w", "blocks.10.w"));
  EXPECT_TRUE(GlobMatches("*.bias", "fc.bias"));
  EXPECT_FALSE(GlobMatches("*.bias", "fc.bias_scale"));
  EXPECT_TRUE(GlobMatches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(GlobMatches("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(GlobMatches("", ""));
  EXPECT_FALSE(GlobMatches("", "a"));
}

TEST(ParameterSelection, DefaultSelectsEverything) {
  ParameterSelection all;
  EXPECT_TRUE(all.Selects("anything.at.all"));
  EXPECT_TRUE(all.UnmatchedPatterns({"x"}).empty());
}

TEST(ParameterSelection, IncludeThenExclude) {
  auto selection = ParameterSelection::Create({"enc.*", "head.w"}, {"*.bias"});
  ASSERT_TRUE(selection.ok()) << selection.error().message;
  const ParameterSelection& s = selection.value();
  EXPECT_TRUE(s.Selects("enc.layer0.weight"));
  EXPECT_FALSE(s.Selects("enc.layer0.bias"));
  EXPECT_TRUE(s.Selects("head.w"));
  EXPECT_FALSE(s.Selects("head.w2"));
  EXPECT_FALSE(s.Selects("dec.weight"));
}

TEST(ParameterSelection, RegexMatchesTheWholeName) {
  auto selection = ParameterSelection::Create({R"(re:layers\.(1[0-9])\..*)"}, {});
  ASSERT_TRUE(selection.ok());
  EXPECT_TRUE(selection.value().Selects("layers.12.w"));
  EXPECT_FALSE(selection.value().Selects("layers.2.w"));
  EXPECT_FALSE(selection.value().Selects("x.layers.12.w"));  // anchored at both ends
}

TEST(ParameterSelection, InvalidRegexIsAnErrorNamingThePattern) {
  auto selection = ParameterSelection::Create({"re:layers.(["}, {});
  ASSERT_FALSE(selection.ok());
  EXPECT_NE(selection.error().message.find("re:layers.(["), std::string::npos) << selection.error().message;
}

TEST(ParameterSelection, ReportsPatternsThatMatchNothing) {
  auto selection = ParameterSelection::Create({"enc.*", "ecn.*"}, {"*.bais"});
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection.value().UnmatchedPatterns({"enc.w", "enc.bias"}),
            (std::vector<std::string>{"ecn.*", "*.bais"}));
}

}  // namespace
}  // namespace gauntlet::merging
