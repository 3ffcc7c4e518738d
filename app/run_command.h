// `gauntlet run`: a suite, a set of suites or one task file rolled out with a
// policy, every episode stored. Shared by the CLI and the Python module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/policy_factory.h"
#include "app/suite_paths.h"
#include "harness/suite_spec.h"

namespace gauntlet::app {

struct RunArgs {
  std::string suite, tasks, db = "gauntlet.db", run_name, video_dir;
  PolicyRequest policy;
  std::string task_file;  // run one task definition file (of a family that reads them) instead of a suite
  std::string embodiment; // "" = the family's default
  std::string chains;     // chain suites: "0-99", "3,7" (default: all)
  int max_steps = 0;      // with --task-file (default 300, LIBERO-Goal's limit)
  std::string render_backend = "auto", chunk_mode = "replan_steps";
  int trials = 0, workers = 1, replan_steps = 1, image_size = 0;
  double ensemble_decay = 0.01;
  std::uint64_t seed = 7;
  double episode_timeout = 600;
  // Episodes in flight and how their queries are batched (0: chosen from
  // --workers and the policy; see RunSchedule).
  int in_flight = 0, batch_size = 0;
  double max_wait_ms = 5;
  bool shadows = false, quiet = false;
  std::string shard;      // "I/N": only the I-th of N slices of the work list, into its own file (shard_plan.h)
  std::vector<std::string> command_line;  // as typed, recorded so a missing shard can be rerun
};

// Exit code: 0 all episodes stored, 1 some missing, 2 the run could not start
// (the reason is printed to stderr). `policy_override`, when given, replaces
// the policy the request names (the Python module passes Python objects).
int Run(const RunArgs& args, const std::optional<PolicyBuild>& policy_override = std::nullopt);

}  // namespace gauntlet::app
