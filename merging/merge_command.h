// `gauntlet merge`: merge a base and experts into a merged artifact (.gmerge)
// or one model file with a record of what ran (method, every hyperparameter,
// sources, selection, diagnostics) beside it; export a model from an artifact. Free of LibTorch types so the CLI's main need not
// include LibTorch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::merging {

struct MergeCommand {
  std::string method;
  std::string base;                          // TorchScript module or tensor file
  std::vector<std::string> experts;          // same kind of files, same layout
  std::map<std::string, std::string> params; // --param key=value
  std::vector<std::string> include, exclude; // parameter name patterns
  std::vector<std::string> heads;            // patterns of the parameters kept per task (not merged)
  std::vector<std::string> tasks;            // one label per expert (default: the files' stems)
  int group_depth = 2;                       // diagnostics groups: name components
  // `out` ending in .gmerge: the merged artifact (merge_artifact.h). Else a
  // model file: with `export_which` ("merged" or a task label) that model of
  // the merge (or of the artifact `from`, without merging); without it the
  // merged model and a record `out`.json beside it.
  std::string out;
  std::string export_which;
  std::string from;                          // an existing .gmerge: export from it, or (no --export) describe it
  // Bounded memory: each input is loaded alone and written as a raw shard
  // into `scratch` (default OUT.scratch, removed after), and the merge maps
  // the shards; the artifact is written tensor by tensor either way.
  bool stream = false;
  std::string scratch;
  std::vector<std::string> argv;             // the command line, recorded in artifacts
};

// Does what `command` asks; returns the diagnostics table and where things
// were written, for the terminal.
Result<std::string> RunMerge(const MergeCommand& command);

// "average, task_arithmetic, ..." for help texts.
std::string MergeMethodNames();

}  // namespace gauntlet::merging
