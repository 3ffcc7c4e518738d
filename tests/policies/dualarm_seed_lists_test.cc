// The stored dual-arm seed lists are what the family's expert accepts now.
// Lists are prefix-stable (the first n accepted seeds of a longer search are
// the n-seed list), so regenerating the first few accepted seeds of a list,
// with the registered expert validating through the episode loop, must give
// the stored list's first seeds and every rejection before them, with the
// same reasons. One list per setting on aloha and a MergeVLA task on arx5.
#include <gtest/gtest.h>

#include <algorithm>

#include "envs/dualarm/dualarm_family.h"
#include "envs/dualarm/expert_validator.h"
#include "envs/dualarm/seed_list.h"
#include "envs/dualarm/seed_search.h"
#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "policies/registered_experts.h"
#include "tests/test_support.h"

namespace gauntlet::envs::dualarm {
namespace {

TEST(DualarmSeedLists, StoredListsBeginWithWhatTheExpertAcceptsNow) {
  RegisterFamilies(Families());
  policies::RegisterExperts(Families());
  constexpr int kPrefix = 4;
  for (const char* file : {"robotwin.yaml", "robotwin_randomized.yaml", "mergevla_robotwin_b_arx5.yaml"}) {
    auto suite = LoadSuite(testing::SourceDir() + "/suites/" + file);
    ASSERT_TRUE(suite.ok()) << suite.error().message;
    const TaskSpec& task = suite.value().tasks.front();
    auto stored = LoadSeedList(task.init_states);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored.value().expert_validation, "passed") << file;
    ASSERT_GE(stored.value().seeds.size(), static_cast<size_t>(kPrefix));

    auto world = WorldOf(suite.value());
    ASSERT_TRUE(world.ok());
    SeedSearch search;
    search.task = task.name;
    search.embodiment = stored.value().embodiment;
    search.setting = world.value().setting;
    search.instructions = world.value().instructions;
    search.count = kPrefix;
    const ExpertBudget budget{task.max_steps > 0 ? task.max_steps : suite.value().protocol.max_steps,
                              suite.value().protocol.settle_steps};
    auto expert = Families().MakeExpert(kFamilyName);
    ASSERT_TRUE(expert.ok()) << expert.error().message;
    search.expert = DescribeExpert(expert.value()->info(), budget);
    EXPECT_EQ(stored.value().expert, search.expert) << file;
    auto fresh = SearchSeeds(search, ExpertValidator(std::shared_ptr<Policy>(std::move(expert).value()), budget));
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;

    const std::vector<std::uint64_t> head(stored.value().seeds.begin(), stored.value().seeds.begin() + kPrefix);
    EXPECT_EQ(fresh.value().seeds, head) << file;
    std::vector<std::pair<std::uint64_t, std::string>> stored_rejected, fresh_rejected;
    for (const RejectedSeed& r : stored.value().rejected) {
      if (r.seed < head.back()) stored_rejected.emplace_back(r.seed, r.reason);
    }
    for (const RejectedSeed& r : fresh.value().rejected) fresh_rejected.emplace_back(r.seed, r.reason);
    EXPECT_EQ(fresh_rejected, stored_rejected) << file;
  }
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
