#include "merging/merge_methods.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "harness/close_matches.h"
#include "harness/text_join.h"
#include "merging/diagnostics_accumulator.h"
#include "merging/randomized_svd.h"
#include "merging/tensor_merger.h"
#include "merging/torch_errors.h"

namespace gauntlet::merging {

namespace {

// The methods a method declaring `merge` (tall_mask, consensus, knots) can build on.
const std::vector<std::string> kInnerMethods = {"average", "task_arithmetic", "ties", "dare",  "dare_ties",
                                                "breadcrumbs", "magmax", "tsv", "iso_c", "iso_cts"};
const char kInnerPrefix[] = "merge.";

ParamSpec Spec(std::string key, ParamKind kind, std::string default_value, std::string meaning) {
  ParamSpec spec;
  spec.key = std::move(key);
  spec.kind = kind;
  spec.default_value = std::move(default_value);
  spec.meaning = std::move(meaning);
  return spec;
}

ParamSpec Number(std::string key, std::string default_value, std::string meaning, double min = -INFINITY,
                 double max = INFINITY, bool max_open = false) {
  ParamSpec spec = Spec(std::move(key), ParamKind::kNumber, std::move(default_value), std::move(meaning));
  spec.min = min;
  spec.max = max;
  spec.max_open = max_open;
  return spec;
}

ParamSpec Choice(std::string key, std::string default_value, std::string meaning, std::vector<std::string> choices) {
  ParamSpec spec = Spec(std::move(key), ParamKind::kChoice, std::move(default_value), std::move(meaning));
  spec.choices = std::move(choices);
  return spec;
}

ParamSpec Alpha(std::string default_value) {
  return Number("alpha", std::move(default_value), "scale of the merged task vector");
}
ParamSpec Density(std::string default_value) {
  return Number("density", std::move(default_value), "fraction of each task vector kept, by magnitude", 0, 1);
}
ParamSpec Agg() { return Choice("agg", "sum", "disjoint merge of the agreeing entries", {"sum", "mean"}); }
ParamSpec Granularity() {
  return Choice("granularity", "model", "where the trim ranks magnitudes: per tensor or whole model",
                {"tensor", "model"});
}
ParamSpec Drop() { return Number("p", "0.5", "DARE drop probability", 0, 1, /*max_open=*/true); }
ParamSpec Rescale() { return Spec("rescale", ParamKind::kFlag, "true", "DARE: divide the kept entries by 1 - p"); }
ParamSpec Seed() { return Spec("seed", ParamKind::kInteger, "0", "seed of DARE's drops"); }
ParamSpec Lambda() { return Number("lambda", "0.6", "mask ratio: S_m = 1[|tau_m| > lambda |tau_merge - tau_m|]", 0); }
ParamSpec Inner(std::string default_method, std::string meaning) {
  return Choice("merge", std::move(default_method), std::move(meaning) + " (its keys as merge.<key>)", kInnerMethods);
}

// `params` and the SVD's (randomized_svd.h), for the methods that take top
// singular triplets; svd defaults to `algorithm` (merge_methods.h: why).
std::vector<ParamSpec> WithSvd(std::vector<ParamSpec> params, const std::string& algorithm) {
  for (ParamSpec& spec : SvdParamSpecs(algorithm)) params.push_back(std::move(spec));
  return params;
}

// A default that a method declaring `merge` gives the inner method's `key`
// (merge.<key>) when the inner method is `inner`, or any one when "".
struct InnerDefault {
  std::string inner;
  std::string key;
  std::string value;
};

struct MethodEntry {
  MergeMethodInfo info;
  MergerFactory make;
  std::vector<InnerDefault> inner_defaults;
};

MethodEntry Entry(std::string name, std::string summary, std::vector<ParamSpec> params, MergerFactory make) {
  MethodEntry entry;
  entry.info.name = std::move(name);
  entry.info.summary = std::move(summary);
  entry.info.params = std::move(params);
  entry.make = std::move(make);
  return entry;
}

const MethodEntry* FindEntry(const std::string& name);

std::unique_ptr<TensorMerger> MakeInner(const ResolvedParams& params) {
  const MethodEntry* inner = FindEntry(params.text("merge"));
  GAUNTLET_CHECK(inner != nullptr, "resolved merge method unknown");
  return inner->make(params.WithPrefix(kInnerPrefix));
}

std::vector<MethodEntry> BuildRegistry() {
  std::vector<MethodEntry> methods;
  methods.push_back(Entry("average", "the mean of the experts", {}, MakeAverage));
  methods.push_back(Entry("task_arithmetic", "base + alpha * sum of task vectors", {Alpha("0.3")},
                          MakeTaskArithmetic));
  methods.push_back(Entry("ties", "trim, elect sign by mass, disjoint merge (TIES-Merging)",
                          {Density("0.2"), Agg(), Granularity(), Alpha("0.3")}, MakeTies));
  methods.push_back(Entry("dare", "random drop with rescale, then task arithmetic (DARE)",
                          {Drop(), Rescale(), Seed(), Alpha("0.3")}, MakeDare));
  methods.push_back(Entry("dare_ties", "DARE's random drop, then TIES",
                          {Drop(), Rescale(), Seed(), Density("0.2"), Agg(), Granularity(), Alpha("0.5")},
                          MakeDareTies));
  methods.push_back(Entry("breadcrumbs", "drop both magnitude tails, then task arithmetic (Model Breadcrumbs)",
                          {Density("0.9"), Number("gamma", "0.01", "fraction of the largest magnitudes dropped", 0, 1),
                           Alpha("1")},
                          MakeBreadcrumbs));
  methods.push_back(Entry("magmax", "per element the largest-magnitude update (MagMax)", {Alpha("0.5")}, MakeMagMax));

  methods.push_back(Entry("tsv", "per task the top 1/M singular vectors, orthogonalised together (TSV-M)",
                          WithSvd({Alpha("1")}, "full"), MakeTsv));
  methods.push_back(Entry("iso_c", "the summed task vector with a flat spectrum (Iso-C)", {Alpha("1")}, MakeIsoC));
  methods.push_back(Entry("iso_cts", "common and task-specific subspaces with a flat spectrum (Iso-CTS)",
                          WithSvd({Alpha("1"), Number("fraction", "0.8",
                                                      "share of the rank given to the common subspace", 0, 1)},
                                  "full"),
                          MakeIsoCts));
  methods.push_back(Entry(
      "wudi", "per 2-D parameter, Adam steps on the task vectors' interference (WUDI-Merging)",
      {Spec("iterations", ParamKind::kInteger, "400",
            "Adam steps per 2-D parameter (FB wudi.yaml; FB's function default is 300)"),
       Number("lr", "1e-5", "Adam learning rate", 0)},
      MakeWudi));
  MethodEntry knots = Entry(
      "knots", "the experts' layer updates in one shared SVD basis, merged there by `merge` (KnOTS; LoRA or dense)",
      WithSvd({Inner("ties", "the method merging the aligned coordinates"),
               Spec("s_on_V", ParamKind::kFlag, "true",
                    "merge S * V_m (rows scaled by the singular values) rather than V_m"),
               Number("lora_scale", "1", "a LoRA layer's update is lora_scale * B * A", 0)},
              "auto"),
      [](const ResolvedParams& p) { return MakeKnots(p, MakeInner(p)); });
  // KnOTS's published configurations: KnOTS-TIES and KnOTS-DARE-TIES.
  knots.inner_defaults = {{"ties", "density", "0.2"},     {"ties", "agg", "mean"},       {"ties", "alpha", "0.6"},
                          {"dare_ties", "p", "0.1"},      {"dare_ties", "density", "1"}, {"dare_ties", "agg", "mean"},
                          {"dare_ties", "alpha", "0.7"}};
  methods.push_back(std::move(knots));

  MethodEntry tall = Entry("tall_mask", "per-task masks over a merged task vector (TALL masks, MergeVLA)",
                           {Lambda(), Inner("task_arithmetic", "the method giving tau_merge")},
                           [](const ResolvedParams& p) { return MakeTallMask(p, MakeInner(p)); });
  // The masks test against the unscaled merged vector (TALL's τ_MTL) unless told otherwise.
  tall.inner_defaults = {{"", "alpha", "1"}};
  tall.info.task_masks = true;
  tall.info.per_task_models = true;
  methods.push_back(std::move(tall));
  MethodEntry consensus = Entry(
      "consensus", "keep merged entries active in at least k task masks (consensus merging)",
      {Lambda(), Spec("k", ParamKind::kInteger, "2", "minimum number of task masks an entry must be active in"),
       Alpha("0.3"), Inner("task_arithmetic", "the method giving tau_merge")},
      [](const ResolvedParams& p) { return MakeConsensus(p, MakeInner(p)); });
  consensus.inner_defaults = {{"", "alpha", "1"}};
  consensus.info.task_masks = true;
  methods.push_back(std::move(consensus));

  MethodEntry emr = Entry("emr", "a unified task vector with per-task masks and scales (EMR-Merging)", {}, MakeEmr);
  emr.info.task_masks = true;
  emr.info.per_task_models = true;
  methods.push_back(std::move(emr));

  MethodEntry capability = Entry("capability_vector", "base + alpha * (aux - sft) (CapVector); experts: sft, aux",
                                 {Alpha("1")}, MakeCapabilityVector);
  capability.info.min_experts = capability.info.max_experts = 2;
  methods.push_back(std::move(capability));

  std::set<std::string> names;
  for (const auto& method : methods) {
    GAUNTLET_CHECK(names.insert(method.info.name).second, "merge method '" + method.info.name + "' registered twice");
  }
  return methods;
}

const std::vector<MethodEntry>& Registry() {
  static const std::vector<MethodEntry> registry = BuildRegistry();
  return registry;
}

const MethodEntry* FindEntry(const std::string& name) {
  for (const auto& entry : Registry()) {
    if (entry.info.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace

const std::vector<MergeMethodInfo>& MergeMethods() {
  static const std::vector<MergeMethodInfo> infos = [] {
    std::vector<MergeMethodInfo> out;
    for (const auto& entry : Registry()) out.push_back(entry.info);
    return out;
  }();
  return infos;
}

const MergeMethodInfo* FindMergeMethod(const std::string& name) {
  const MethodEntry* entry = FindEntry(name);
  return entry ? &entry->info : nullptr;
}

Result<ResolvedParams> ResolveMergeParams(const std::string& method, const MergeParams& params) {
  const MethodEntry* entry = FindEntry(method);
  if (entry == nullptr) {
    std::vector<std::string> known;
    for (const auto& info : MergeMethods()) known.push_back(info.name);
    return Error{"unknown merge method '" + method + "'; " + KnownNames(method, known)};
  }
  std::vector<ParamSpec> specs = entry->info.params;
  // A method declaring `merge` builds on an inner method and takes its keys as merge.<key>.
  const auto merge = std::find_if(specs.begin(), specs.end(), [](const ParamSpec& s) { return s.key == "merge"; });
  if (merge != specs.end()) {
    auto given = params.find("merge");
    const std::string inner_name = given == params.end() ? merge->default_value : given->second;
    if (std::find(kInnerMethods.begin(), kInnerMethods.end(), inner_name) == kInnerMethods.end()) {
      return Error{method + ": merge=" + inner_name + " is not one of " + JoinText(kInnerMethods, ", ")};
    }
    for (ParamSpec spec : FindEntry(inner_name)->info.params) {
      for (const InnerDefault& changed : entry->inner_defaults) {
        if ((changed.inner.empty() || changed.inner == inner_name) && changed.key == spec.key) {
          spec.default_value = changed.value;
        }
      }
      spec.key = kInnerPrefix + spec.key;
      specs.push_back(std::move(spec));
    }
  }
  return ResolveParams(method, specs, params);
}

Result<MergeResult> MergeModels(const std::string& method, const ParameterMap& base,
                                const std::vector<ParameterMap>& experts, const MergeParams& params,
                                const MergeOptions& options) {
  return MergeExperts(method, base, DenseExperts(experts), params, options);
}

Result<MergeResult> MergeExperts(const std::string& method, const ParameterMap& base, const ExpertModels& experts,
                                 const MergeParams& params, const MergeOptions& options) {
  auto resolved = ResolveMergeParams(method, params);
  if (!resolved.ok()) return resolved.error();
  const MethodEntry& entry = *FindEntry(method);
  const MergeMethodInfo& info = entry.info;
  const size_t m = experts.size();
  if (m < info.min_experts || (info.max_experts != 0 && m > info.max_experts)) {
    const std::string wanted = info.max_experts == info.min_experts
                                   ? std::to_string(info.min_experts)
                                   : "at least " + std::to_string(info.min_experts);
    return Error{method + " takes " + wanted + " experts, got " + std::to_string(m)};
  }
  if (m == 0) return Error{"no experts to merge onto base '" + base.source() + "'"};
  for (const auto& expert : experts) {
    if (Status s = expert->CheckLayout(base); !s.ok()) return Error{s.message()};
  }
  if (options.output_dtype && !at::isFloatingType(*options.output_dtype)) {
    return Error{std::string("the output dtype must be a floating type, not ") + c10::toString(*options.output_dtype)};
  }
  const std::vector<std::string> unmatched = options.selection.UnmatchedPatterns(base.names());
  if (!unmatched.empty()) {
    return Error{"parameter pattern(s) " + JoinText(unmatched, ", ") + " match no parameter of base '" + base.source() +
                 "'"};
  }

  MergeResult result;
  result.method = method;
  result.params = resolved.value().values();
  result.base = base.source();
  for (size_t i = 0; i < m; ++i) {
    result.experts.push_back(experts[i]->source().empty() ? "expert " + std::to_string(i) : experts[i]->source());
  }
  result.include = options.selection.include();
  result.exclude = options.selection.exclude();
  for (const auto& [name, tensor] : base.entries()) {
    if (options.selection.Selects(name) && IsMergeable(tensor)) result.merged_names.push_back(name);
  }
  if (result.merged_names.empty()) {
    return Error{"the selection leaves no floating-point parameter of base '" + base.source() + "' to merge"};
  }

  try {
    at::NoGradGuard no_grad;
    std::unique_ptr<TensorMerger> merger = entry.make(resolved.value());
    const MergeInputs inputs{base, experts, result.merged_names, options.release_pages};
    Status usable = merger->CheckInputs(inputs);
    if (!usable.ok()) return Error{usable.message()};
    merger->Prepare(inputs);
    const bool has_lambda = resolved.value().values().count("lambda") > 0;
    const double mask_lambda = has_lambda ? resolved.value().number("lambda") : 0.0;
    DiagnosticsAccumulator diagnostics(result.experts, options.diagnostics, info.task_masks, mask_lambda);
    result.merged = ParameterMap("merged (" + method + ")");
    if (info.per_task_models && !options.sink) {
      for (size_t i = 0; i < m; ++i) result.task_masks.emplace_back("task mask " + std::to_string(i) + " (" + method + ")");
    }
    size_t next = 0;  // into merged_names, which follow the base's order
    for (const auto& [name, theta0] : base.entries()) {
      if (next == result.merged_names.size() || result.merged_names[next] != name) {
        if (!options.sink) {
          const bool cast = options.output_dtype && IsMergeable(theta0);
          result.merged.Add(name, cast ? theta0.to(*options.output_dtype) : theta0);
        }
        continue;
      }
      ++next;
      const at::ScalarType compute = ComputeType(theta0.scalar_type());
      const at::ScalarType out_type = options.output_dtype.value_or(theta0.scalar_type());
      // An elementwise method works on pieces of rows of about
      // chunk_elements, which stay in the CPU's cache from the task vectors
      // to the diagnostics; any other on the whole tensor.
      const int64_t rows = theta0.dim() == 0 ? 1 : theta0.size(0);
      const int64_t row_elements = rows == 0 ? 0 : theta0.numel() / rows;
      // With N intra-op threads a piece is N times larger: each thread still
      // gets chunk_elements, and the threads meet N times less often.
      const int64_t chunk = options.chunk_elements * std::max(1, at::get_num_threads());
      int64_t piece_rows = rows;
      if (chunk > 0 && merger->Elementwise() && theta0.dim() > 0 && theta0.numel() > chunk) {
        piece_rows = std::max<int64_t>(1, chunk / std::max<int64_t>(row_elements, 1));
      }
      const bool whole = piece_rows >= rows;
      const int64_t pieces = whole ? 1 : (rows + piece_rows - 1) / piece_rows;
      at::Tensor merged;
      std::vector<at::Tensor> masks;  // the result's (per_task_models)
      diagnostics.BeginTensor(name, theta0.numel());
      for (int64_t p = 0; p < pieces; ++p) {
        const int64_t first_row = p * piece_rows;
        const at::Tensor theta0_piece = whole ? theta0 : theta0.narrow(0, first_row, std::min(piece_rows, rows - first_row));
        const at::Tensor theta0_compute = theta0_piece.to(compute);
        std::vector<at::Tensor> task_vectors;
        for (const auto& expert : experts) task_vectors.push_back(expert->TaskVectorRows(name, theta0_compute, first_row));
        MergedTensor out = merger->Merge(name, task_vectors);
        at::Tensor merged_piece = (theta0_compute + out.task_vector).to(out_type);
        if (whole) {
          merged = std::move(merged_piece);
          if (info.per_task_models) masks = out.task_masks;
        } else {
          if (p == 0) {
            merged = at::empty(theta0.sizes(), theta0.options().dtype(out_type));
            if (info.per_task_models) {
              for (size_t i = 0; i < m; ++i) masks.push_back(at::empty(theta0.sizes(), theta0.options().dtype(at::kBool)));
            }
          }
          merged.narrow(0, first_row, theta0_piece.size(0)).copy_(merged_piece);
          for (size_t i = 0; i < masks.size(); ++i) {
            masks[i].narrow(0, first_row, theta0_piece.size(0)).copy_(out.task_masks[i]);
          }
        }
        diagnostics.AddPiece(first_row * row_elements, theta0_compute, task_vectors, out.task_vector, out.task_masks);
      }
      diagnostics.EndTensor();
      if (options.sink) {
        if (Status s = options.sink(name, merged, masks); !s.ok()) return Error{s.message()};
      } else {
        result.merged.Add(name, merged);
        for (size_t i = 0; i < masks.size(); ++i) result.task_masks[i].Add(name, masks[i]);
      }
      if (options.release_pages) {
        ReleaseIfMapped(theta0);
        for (const auto& expert : experts) expert->ReleasePages(name);
      }
    }
    result.task_scales = merger->TaskScales();
    if (info.per_task_models && result.task_scales.empty()) result.task_scales.assign(m, 1.0);
    result.diagnostics = diagnostics.Finish();
  } catch (const c10::Error& e) {
    return Error{method + ": merging failed in LibTorch: " + TorchErrorReason(e)};
  }
  return result;
}

ParameterMap TaskModel(const ParameterMap& base, const MergeResult& result, size_t task) {
  GAUNTLET_CHECK(task < result.task_masks.size(),
                 "TaskModel: task " + std::to_string(task) + " of a result with " +
                     std::to_string(result.task_masks.size()) + " task masks");
  at::NoGradGuard no_grad;
  const ParameterMap& masks = result.task_masks[task];
  ParameterMap model("task model " + std::to_string(task) + " (" + result.method + ")");
  for (const auto& [name, theta0] : base.entries()) {
    const at::Tensor* mask = masks.find(name);
    if (mask == nullptr) {
      model.Add(name, theta0);
      continue;
    }
    model.Add(name, TaskTensor(theta0, result.merged.at(name), *mask, result.task_scales[task]));
  }
  return model;
}

at::Tensor TaskTensor(const at::Tensor& theta0, const at::Tensor& merged, const at::Tensor& mask, double scale) {
  at::NoGradGuard no_grad;
  const at::ScalarType type = ComputeType(theta0.scalar_type());
  const at::Tensor start = theta0.to(type);
  const at::Tensor update = (merged.to(type) - start) * mask * scale;
  return (start + update).to(theta0.scalar_type());
}

nlohmann::json MergeRecordJson(const MergeResult& result) {
  return {{"method", result.method},
          {"params", result.params},
          {"base", result.base},
          {"experts", result.experts},
          {"include", result.include},
          {"exclude", result.exclude},
          {"merged_parameters", result.merged_names.size()},
          {"task_scales", result.task_scales},
          {"diagnostics", DiagnosticsJson(result.diagnostics)}};
}

}  // namespace gauntlet::merging
