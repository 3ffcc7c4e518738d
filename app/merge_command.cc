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
  auto* base = sub->add_option("--base", merge.base, "Base model: TorchScript module or tensor file");
  auto* experts = sub->add_option("--experts", merge.experts, "Expert models, comma-separated")->delimiter(',');
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
  sub->add_option("--out", merge.out, "NAME.gmerge: the merged artifact; else a model file (with OUT.json unless --export)");
  sub->add_option("--export", merge.export_which,
                  "Write the model of 'merged' or of a task label as a plain TorchScript module (or tensor file)");
  auto* from = sub->add_option("--from", merge.from,
                               "Export from this .gmerge instead of merging (without --export: print its record)");
  sub->add_flag("--stream", merge.stream,
                "Bounded memory: load one input at a time into raw shards under --scratch and map them");
  sub->add_option("--scratch", merge.scratch, "Folder for --stream's shards (default OUT.scratch; removed after)");
  from->excludes(method)->excludes(base)->excludes(experts);
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
