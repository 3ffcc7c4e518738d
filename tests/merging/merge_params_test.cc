// Hyperparameters: defaults filled in and recorded, canonical text, unknown
// keys naming the method's keys, values of the wrong kind or range; the
// registry's composite methods (merge.<key>).
#include "merging/merge_params.h"

#include <gtest/gtest.h>

#include "merging/merge_methods.h"

namespace gauntlet::merging {
namespace {

void ExpectErrorMentions(const Result<ResolvedParams>& result, const std::vector<std::string>& parts) {
  ASSERT_FALSE(result.ok());
  for (const auto& part : parts) {
    EXPECT_NE(result.error().message.find(part), std::string::npos)
        << "'" << part << "' not in: " << result.error().message;
  }
}

TEST(MergeParams, FormatNumberIsShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(0.3), "0.3");
  EXPECT_EQ(FormatNumber(1.0), "1");
  EXPECT_EQ(FormatNumber(-2.5e-7), "-2.5e-07");
}

TEST(MergeParams, DefaultsAreFilledInAndEveryKeyRecorded) {
  auto ties = ResolveMergeParams("ties", {});
  ASSERT_TRUE(ties.ok()) << ties.error().message;
  EXPECT_EQ(ties.value().values(), (std::map<std::string, std::string>{
                                       {"agg", "sum"}, {"alpha", "0.3"}, {"density", "0.2"}, {"granularity", "model"}}));
  auto dare = ResolveMergeParams("dare", {{"p", "0.25"}, {"rescale", "0"}, {"seed", "42"}});
  ASSERT_TRUE(dare.ok()) << dare.error().message;
  EXPECT_EQ(dare.value().values(),
            (std::map<std::string, std::string>{{"alpha", "0.3"}, {"p", "0.25"}, {"rescale", "false"}, {"seed", "42"}}));
  EXPECT_DOUBLE_EQ(dare.value().number("p"), 0.25);
  EXPECT_FALSE(dare.value().flag("rescale"));
  EXPECT_EQ(dare.value().integer("seed"), 42u);
  auto average = ResolveMergeParams("average", {});
  ASSERT_TRUE(average.ok());
  EXPECT_TRUE(average.value().values().empty());
}

TEST(MergeParams, ReferenceDefaults) {
  auto value = [](const std::string& method, const std::string& key) {
    return ResolveMergeParams(method, {}).value().text(key);
  };
  EXPECT_EQ(value("task_arithmetic", "alpha"), "0.3");
  EXPECT_EQ(value("dare_ties", "alpha"), "0.5");
  EXPECT_EQ(value("dare_ties", "p"), "0.5");
  EXPECT_EQ(value("breadcrumbs", "gamma"), "0.01");
  EXPECT_EQ(value("magmax", "alpha"), "0.5");
  EXPECT_EQ(value("tall_mask", "lambda"), "0.6");
  EXPECT_EQ(value("consensus", "k"), "2");
  EXPECT_EQ(value("capability_vector", "alpha"), "1");
}

TEST(MergeParams, UnknownKeyNamesTheMethodsKeys) {
  ExpectErrorMentions(ResolveMergeParams("ties", {{"densty", "0.3"}}),
                      {"ties", "'densty'", "agg, alpha, density, granularity"});
  ExpectErrorMentions(ResolveMergeParams("average", {{"alpha", "1"}}), {"average", "'alpha'", "takes none"});
}

TEST(MergeParams, BadValuesNameKeyAndValue) {
  ExpectErrorMentions(ResolveMergeParams("ties", {{"density", "1.5"}}), {"density=1.5", "out of range", "[0, 1]"});
  ExpectErrorMentions(ResolveMergeParams("ties", {{"density", "abc"}}), {"density=abc", "not a number"});
  ExpectErrorMentions(ResolveMergeParams("ties", {{"agg", "max"}}), {"agg=max", "sum, mean"});
  ExpectErrorMentions(ResolveMergeParams("dare", {{"p", "1"}}), {"p=1", "[0, 1)"});
  ExpectErrorMentions(ResolveMergeParams("dare", {{"seed", "-3"}}), {"seed=-3", "non-negative integer"});
  ExpectErrorMentions(ResolveMergeParams("dare", {{"rescale", "yes"}}), {"rescale=yes", "true/false"});
  ExpectErrorMentions(ResolveMergeParams("tall_mask", {{"lambda", "-1"}}), {"lambda=-1", ">= 0"});
  ExpectErrorMentions(ResolveMergeParams("task_arithmetic", {{"alpha", "nan"}}), {"alpha=nan"});
}

TEST(MergeParams, UnknownMethodNamesTheKnownOnes) {
  ExpectErrorMentions(ResolveMergeParams("tie", {}), {"'tie'", "average", "ties", "capability_vector"});
}

TEST(MergeParams, CompositeMethodsTakeTheInnerMethodsKeys) {
  auto tall = ResolveMergeParams("tall_mask", {{"merge", "ties"}, {"merge.density", "0.5"}});
  ASSERT_TRUE(tall.ok()) << tall.error().message;
  EXPECT_EQ(tall.value().values(), (std::map<std::string, std::string>{{"lambda", "0.6"},
                                                                       {"merge", "ties"},
                                                                       {"merge.agg", "sum"},
                                                                       {"merge.alpha", "1"},
                                                                       {"merge.density", "0.5"},
                                                                       {"merge.granularity", "model"}}));
  EXPECT_EQ(tall.value().WithPrefix("merge.").values().size(), 4u);
  // The default inner method is task arithmetic, unscaled.
  EXPECT_EQ(ResolveMergeParams("consensus", {}).value().text("merge.alpha"), "1");
  ExpectErrorMentions(ResolveMergeParams("tall_mask", {{"merge.density", "0.5"}}),
                      {"'merge.density'", "merge.alpha"});
  ExpectErrorMentions(ResolveMergeParams("tall_mask", {{"merge", "tall_mask"}}), {"merge=tall_mask", "magmax"});
}

TEST(MergeMethods, RegistryListsEveryMethodOnce) {
  std::vector<std::string> names;
  for (const auto& method : MergeMethods()) names.push_back(method.name);
  EXPECT_EQ(names, (std::vector<std::string>{"average", "task_arithmetic", "ties", "dare", "dare_ties", "breadcrumbs",
                                             "magmax", "tsv", "iso_c", "iso_cts", "wudi", "knots", "tall_mask", "consensus",
                                             "emr", "capability_vector"}));
  ASSERT_NE(FindMergeMethod("tall_mask"), nullptr);
  EXPECT_TRUE(FindMergeMethod("tall_mask")->per_task_models);
  EXPECT_EQ(FindMergeMethod("capability_vector")->max_experts, 2u);
  EXPECT_EQ(FindMergeMethod("nope"), nullptr);
}

}  // namespace
}  // namespace gauntlet::merging
