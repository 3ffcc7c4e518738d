#include "envs/dualarm/expert_validator.h"

#include "envs/dualarm/dualarm_env.h"
#include "harness/episode_runner.h"

namespace gauntlet::envs::dualarm {

SeedValidator ExpertValidator(std::shared_ptr<Policy> expert, ExpertBudget budget) {
  return [expert = std::move(expert), budget](const DualarmOptions& world, std::uint64_t seed) -> Result<bool> {
    const PolicyInfo info = expert->info();
    DualarmOptions options = world;
    options.action = info.action_spec.kind;
    options.seeds = {seed};
    options.seeds_source = "seed search candidate " + std::to_string(seed);
    auto env = DualarmEnv::Create(options);
    if (!env.ok()) return env.error();
    EpisodeSpec spec;
    spec.key.suite = "seed_search";
    spec.key.task = world.task;
    spec.max_steps = budget.max_steps;
    spec.settle_steps = budget.settle_steps;
    spec.embodiment = world.embodiment;
    EpisodeContext context;
    context.suite = spec.key.suite;
    context.embodiment = world.embodiment;
    if (info.needs.task_id) context.task = world.task;
    const EpisodeOutcome outcome = RunEpisode(*env.value(), *expert, spec, context, RunnerOptions{});
    switch (outcome.status) {
      case EpisodeStatus::kSuccess: return true;
      case EpisodeStatus::kFailure: return false;
      default: return Error{std::string(ToString(outcome.status)) + ": " + outcome.termination};
    }
  };
}

std::string DescribeExpert(const PolicyInfo& expert, ExpertBudget budget) {
  return expert.name + " (" + ToString(expert.action_spec.kind) + "), " + std::to_string(budget.max_steps) +
         " steps after " + std::to_string(budget.settle_steps) + " settle steps";
}

}  // namespace gauntlet::envs::dualarm
