#include "policies/merged/merge_command.h"

#include <fstream>

#include "policies/merged/merge_diagnostics.h"
#include "policies/merged/merge_methods.h"
#include "policies/merged/parameter_map.h"

namespace gauntlet::policies::merged {

std::string MergeMethodNames() {
  std::string names;
  for (const auto& m : MergeMethods()) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

Result<std::string> RunMerge(const MergeCommand& c) {
  // Settings are checked before any model is loaded.
  if (auto params = ResolveMergeParams(c.method, c.params); !params.ok()) return params.error();
  auto selection = ParameterSelection::Create(c.include, c.exclude);
  if (!selection.ok()) return selection.error();
  auto base = LoadParameters(c.base);
  if (!base.ok()) return base.error();
  std::vector<ParameterMap> experts;
  for (const auto& path : c.experts) {
    auto expert = LoadParameters(path);
    if (!expert.ok()) return expert.error();
    experts.push_back(std::move(expert).value());
  }
  MergeOptions options;
  options.selection = selection.value();
  options.diagnostics.group_depth = c.group_depth;
  auto result = MergeModels(c.method, base.value(), experts, c.params, options);
  if (!result.ok()) return result.error();
  // A TorchScript base gives a runnable module with the merged weights.
  const bool module = LoadTorchScriptParameters(c.base).ok();
  Status saved = module ? SaveTorchScriptWithParameters(c.base, result.value().merged, c.out)
                        : SaveTensorFile(result.value().merged, c.out);
  if (!saved.ok()) return Error{saved.message()};
  nlohmann::json record = MergeRecordJson(result.value());
  record["output"] = {{"path", c.out}, {"kind", module ? "torchscript" : "tensor_file"}};
  std::ofstream json(c.out + ".json");
  json << record.dump(2) << "\n";
  if (!json.good()) return Error{"cannot write " + c.out + ".json"};
  return DiagnosticsText(result.value().diagnostics) + "\nwrote " + c.out + " (" +
         (module ? "TorchScript module" : "tensor file") + ") and " + c.out + ".json (method, parameters, sources, diagnostics)\n";
}

}  // namespace gauntlet::policies::merged
