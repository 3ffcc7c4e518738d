// `gauntlet merge`: merge a base and experts into one model file, with a
// record of what ran (method, every hyperparameter, sources, selection,
// diagnostics) beside it. Free of LibTorch types so the CLI's main need not
// include LibTorch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::policies::merged {

struct MergeCommand {
  std::string method;
  std::string base;                          // TorchScript module or tensor file
  std::vector<std::string> experts;          // same kind of files, same layout
  std::map<std::string, std::string> params; // --param key=value
  std::vector<std::string> include, exclude; // parameter name patterns
  int group_depth = 2;                       // diagnostics groups: name components
  std::string out;                           // merged model (TorchScript if the base is one, else a tensor file)
};

// Writes `out` and `out`.json; returns the diagnostics table and where
// things were written, for the terminal.
Result<std::string> RunMerge(const MergeCommand& command);

// "average, task_arithmetic, ..." for help texts.
std::string MergeMethodNames();

}  // namespace gauntlet::policies::merged
