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
  // TorchScript module, tensor file, or safetensors checkpoint (a
  // .safetensors file, an index *.safetensors.index.json, or a folder with
  // model.safetensors[.index.json]); safetensors inputs are mapped, never
  // loaded whole.
  std::string base;
  // Models of the base's layout, of any of those kinds, or "lora:DIR", a
  // PEFT LoRA adapter trained on the base (lora_adapter.h).
  std::vector<std::string> experts;
  std::map<std::string, std::string> params; // --param key=value
  std::vector<std::string> include, exclude; // parameter name patterns
  std::vector<std::string> heads;            // patterns of the parameters kept per task (not merged)
  std::vector<std::string> tasks;            // one label per expert (default: the files' stems)
  int group_depth = 2;                       // diagnostics groups: name components
  // `out` ending in .gmerge: the merged artifact (merge_artifact.h). Ending
  // in .safetensors: the merged model as a safetensors checkpoint, written
  // tensor by tensor (sharded with `shard_size`), and a record `out`.json
  // beside it. Else a model file: with `export_which` ("merged" or a task
  // label) that model of the merge (or of the artifact `from`, without
  // merging); without it the merged model and a record `out`.json beside it.
  std::string out;
  std::string export_which;
  std::string from;                          // an existing .gmerge: export from it, or (no --export) describe it
  // A TorchScript module whose code runs a base that has none (safetensors,
  // tensor file): stored in the artifact, its parameters and buffers filled by
  // name from the merged model (merge_artifact.h), so that `merged:A.gmerge`
  // runs and --export writes a module. Names and shapes must match the base's
  // (checked before merging, the first mismatch named).
  std::string module;
  // Bounded memory: each input is loaded alone and written as a raw shard
  // into `scratch` (default OUT.scratch, removed after), and the merge maps
  // the shards; the artifact is written tensor by tensor either way.
  bool stream = false;
  std::string scratch;
  std::string dtype;        // merged floating tensors' dtype (bf16, fp16, fp32, fp64); "": the base's
  std::string shard_size;   // safetensors output: at most this much per shard ("5GB", "500MiB", bytes)
  std::string diagnostics = "basic";  // none, basic or full (merge_diagnostics.h)
  int threads = 0;          // LibTorch intra-op threads; 0: LibTorch's default
  std::vector<std::string> argv;             // the command line, recorded in artifacts
};

// Does what `command` asks; returns the diagnostics table and where things
// were written, for the terminal.
Result<std::string> RunMerge(const MergeCommand& command);

// "average, task_arithmetic, ..." for help texts.
std::string MergeMethodNames();

}  // namespace gauntlet::merging
