// `gauntlet run`: a suite, a set of suites or one task file rolled out with a
// policy, every episode stored. Shared by the CLI and the Python module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/policy_factory.h"
#include "harness/suite_spec.h"

namespace gauntlet::cli {

struct RunArgs {
  std::string suite, tasks, db = "gauntlet.db", run_name, video_dir;
  PolicyRequest policy;
  std::string task_file;  // run one LIBERO-dialect task file instead of a suite
  int max_steps = 0;      // with --task-file (default 300, LIBERO-Goal's limit)
  std::string render_backend = "auto", chunk_mode = "replan_steps";
  int trials = 0, workers = 1, replan_steps = 1, image_size = 0;
  double ensemble_decay = 0.01;
  std::uint64_t seed = 7;
  double episode_timeout = 600;
  bool shadows = false, quiet = false;
};

// "libero_spatial" -> suites/libero_spatial.yaml (here, or in the source tree).
std::string ResolveSuitePath(const std::string& arg);

// Exit code: 0 all episodes stored, 1 some missing, 2 the run could not start
// (the reason is printed to stderr). `policy_override`, when given, replaces
// the policy the request names (the Python module passes Python objects).
int Run(const RunArgs& args, const std::optional<PolicyBuild>& policy_override = std::nullopt);

}  // namespace gauntlet::cli
