// `gauntlet merge`: fine-tuned experts merged onto their base model into an
// artifact or model file, or a model exported from an artifact.
#include "app/command.h"
#include "merging/merge_command.h"

namespace gauntlet::app {

Command AddMergeCommand(CLI::App& app, std::vector<std::string> argv) {
  struct Args {
    merging::MergeCommand merge;
    std::vector<std::string> params;
  };
  auto args = std::make_shared<Args>();
  merging::MergeCommand& merge = args->merge;
  merge.argv = std::move(argv);
  auto* sub = app.add_subcommand(
      "merge", "Merge fine-tuned experts onto their base model, or export a model from a merged artifact");
  auto* method = sub->add_option("--method", merge.method, "Merge method: " + merging::MergeMethodNames());
  auto* base = sub->add_option(
      "--base", merge.base,
      "Base model: TorchScript module, tensor file, or safetensors checkpoint (FILE.safetensors, "
      "model.safetensors.index.json of a sharded one, or a folder holding either; mapped, not loaded)");
  auto* experts = sub->add_option("--experts", merge.experts,
                                  "Expert models of the base's layout, comma-separated, of the same kinds; "
                                  "lora:DIR for a PEFT LoRA adapter on the base (adapter_config.json + "
                                  "adapter_model.safetensors)")
                      ->delimiter(',');
  sub->add_option("--tasks", merge.tasks, "One task label per expert, comma-separated (default: file stems)")
      ->delimiter(',');
  sub->add_option("--param", args->params, "A hyperparameter, key=value (repeatable)");
  sub->add_option("--include", merge.include, "Parameter name patterns to merge (glob or re:REGEX; default all)")
      ->delimiter(',');
  sub->add_option("--exclude", merge.exclude, "Parameter name patterns to keep at the base")->delimiter(',');
  sub->add_option("--heads", merge.heads,
                  "Parameter name patterns kept per task, unmerged (each task's model runs its own expert's)")
      ->delimiter(',');
  sub->add_option("--group-depth", merge.group_depth, "Name components per diagnostics group")
      ->capture_default_str()->check(CLI::Range(1, 100));
  sub->add_option("--out", merge.out,
                  "NAME.gmerge: the merged artifact; NAME.safetensors: the merged model as a safetensors checkpoint "
                  "(with NAME.safetensors.json); else a model file (with OUT.json unless --export)");
  sub->add_option("--dtype", merge.dtype,
                  "dtype of the merged model's floating tensors: bf16, fp16, fp32 or fp64 (default: the base's; "
                  "arithmetic is fp32 either way)");
  sub->add_option("--shard-size", merge.shard_size,
                  "With --out NAME.safetensors: shards of at most this size (5GB, 500MiB, bytes) and "
                  "NAME.safetensors.index.json");
  sub->add_option("--diagnostics", merge.diagnostics,
                  "none, basic (large tensors sampled: estimates, a few % of the merge's time) or full (every "
                  "element)")
      ->capture_default_str();
  sub->add_option("--threads", merge.threads, "LibTorch intra-op threads (default: LibTorch's, one per core)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--export", merge.export_which,
                  "Write the model of 'merged' or of a task label as a plain TorchScript module (or tensor file)");
  auto* module = sub->add_option(
      "--module", merge.module,
      "TorchScript module whose code runs a base without code (safetensors, tensor file): stored in the artifact, "
      "its parameters filled by name from the merged model, so merged:NAME.gmerge runs and --export writes MODEL.pt");
  auto* from = sub->add_option("--from", merge.from,
                               "Export from this .gmerge instead of merging (without --export: print its record)");
  sub->add_flag("--stream", merge.stream,
                "Bounded memory for TorchScript and tensor-file inputs: load one at a time into raw shards under "
                "--scratch and map them (safetensors inputs are always mapped)");
  sub->add_option("--scratch", merge.scratch, "Folder for --stream's shards (default OUT.scratch; removed after)");
  from->excludes(method)->excludes(base)->excludes(experts)->excludes(module);
  return {sub, [args] {
            merging::MergeCommand& merge = args->merge;
            for (const std::string& item : args->params) {
              const auto eq = item.find('=');
              if (eq == std::string::npos || eq == 0) return Fail("merge --param '" + item + "': expected key=value");
              if (!merge.params.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
                return Fail("merge --param: '" + item.substr(0, eq) + "' is given twice");
              }
            }
            if (merge.from.empty() &&
                (merge.method.empty() || merge.base.empty() || merge.experts.empty() || merge.out.empty())) {
              return Fail("merge: --method, --base, --experts and --out are required (or --from ARTIFACT.gmerge)");
            }
            auto text = merging::RunMerge(merge);
            if (!text.ok()) return Fail("merge: " + text.error().message);
            std::cout << text.value();
            return 0;
          }};
}

}  // namespace gauntlet::app
