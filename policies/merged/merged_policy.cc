#include "policies/merged/merged_policy.h"

#include <torch/script.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "harness/run_metadata.h"
#include "harness/text_join.h"
#include "merging/merge_artifact.h"
#include "merging/module_tensors.h"
#include "policies/torchscript/torchscript_actor.h"

namespace gauntlet::policies::merged {

// The merge library (merging/) is what this policy is a client of.
using namespace gauntlet::merging;

namespace {

namespace fs = std::filesystem;

enum class Route { kNone, kOracle, kSubspace, kLookup };

Result<Route> ParseRoute(const std::string& text) {
  if (text == "none") return Route::kNone;
  if (text == "oracle") return Route::kOracle;
  if (text == "router:subspace") return Route::kSubspace;
  if (text == "router:lookup") return Route::kLookup;
  return Error{"--policy-opt route=" + text + ": expected none, oracle, router:subspace or router:lookup"};
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// One (value projection, hidden state) pair of the subspace router.
struct ValueProbe {
  std::string parameter;
  std::string hidden;
  at::Tensor basis;  // [k, d] float64: the top-k right singular vectors
};

class MergedPolicy : public Policy {
 public:
  MergedPolicy(MergeArtifact artifact, ParameterMap base, std::unique_ptr<TorchScriptActor> actor, Route route,
               std::vector<ValueProbe> probes, int route_every, std::string lookup_key,
               std::map<std::string, std::string> lookup, PolicyInfo info)
      : artifact_(std::move(artifact)),
        base_(std::move(base)),
        actor_(std::move(actor)),
        route_(route),
        probes_(std::move(probes)),
        route_every_(route_every),
        lookup_key_(std::move(lookup_key)),
        lookup_(std::move(lookup)),
        info_(std::move(info)) {
    for (const std::string& name : artifact_.merged_names) switched_names_.insert(name);
    for (const std::string& name : artifact_.head_names) switched_names_.insert(name);
  }

  // The weights of the merged model (route none) or of the first task, so the
  // module is in a defined state before any episode.
  Status Initialise() { return SwitchTo(route_ == Route::kNone ? std::nullopt : std::optional<size_t>(0)); }

  PolicyInfo info() const override { return info_; }

  void reset(const EpisodeContext& context) override {
    context_ = context;
    routed_ = false;
    last_route_step_ = 0;
    decisions_.clear();
    true_task_ = TrueTask(context);
    actor_->Reset(context);
  }

  ActionChunk act(const Observation& observation) override {
    const bool reroute = route_ == Route::kSubspace && route_every_ > 0 &&
                         observation.step - last_route_step_ >= route_every_;
    if (route_ != Route::kNone && (!routed_ || reroute)) RouteEpisode(observation);
    return ActionChunk{actor_->Act(observation), {}};
  }

  void on_event(EventSink& sink, const EpisodeKey& key) override {
    for (const RouterDecision& decision : decisions_) sink.Emit(key, decision);
    decisions_.clear();
  }

 private:
  std::optional<size_t> LabelIndex(const std::string& label) const {
    auto found = FindArtifactTask(artifact_, label);
    return found.ok() ? std::optional<size_t>(found.value()) : std::nullopt;
  }

  std::optional<size_t> TrueTask(const EpisodeContext& c) const {
    if (auto t = LabelIndex(c.task)) return t;
    return LabelIndex(c.suite);
  }

  std::string EpisodeText() const {
    return "task '" + context_.task + "', suite '" + context_.suite + "', embodiment '" + context_.embodiment +
           "'; the artifact's tasks: " + JoinText(artifact_.tasks, ", ");
  }

  void RouteEpisode(const Observation& observation) {
    std::vector<std::optional<double>> scores(artifact_.tasks.size()), probabilities(artifact_.tasks.size());
    size_t chosen = 0;
    if (route_ == Route::kOracle) {
      if (!true_task_) throw PolicyError(info_.source + ": oracle routing: no task of the artifact for " + EpisodeText());
      chosen = *true_task_;
    } else if (route_ == Route::kLookup) {
      const std::string id = lookup_key_ == "suite" ? context_.suite
                             : lookup_key_ == "task" ? context_.task
                                                     : context_.embodiment;
      auto it = lookup_.find(id);
      const std::string label = it == lookup_.end() ? id : it->second;
      auto index = LabelIndex(label);
      if (!index) {
        throw PolicyError(info_.source + ": lookup routing: " + lookup_key_ + " '" + id + "' selects '" + label +
                          "', which is no task of the artifact (" + EpisodeText() + ")");
      }
      chosen = *index;
    } else {
      std::vector<double> r = SubspaceScores(observation);
      const double top = *std::max_element(r.begin(), r.end());
      double total = 0;
      for (double v : r) total += std::exp(v - top);
      for (size_t m = 0; m < r.size(); ++m) {
        scores[m] = r[m];
        probabilities[m] = std::exp(r[m] - top) / total;
        if (r[m] > r[chosen]) chosen = m;
      }
    }
    std::optional<std::string> true_task;
    if (true_task_) true_task = artifact_.tasks[*true_task_];
    for (size_t m = 0; m < artifact_.tasks.size(); ++m) {
      decisions_.push_back(
          RouterDecision{observation.step, artifact_.tasks[m], scores[m], probabilities[m], m == chosen, true_task});
    }
    if (Status s = SwitchTo(chosen); !s.ok()) throw PolicyError(s.message());
    routed_ = true;
    last_route_step_ = observation.step;
  }

  // MergeVLA's r_m for every candidate (see the header).
  std::vector<double> SubspaceScores(const Observation& observation) {
    std::vector<double> scores;
    for (size_t m = 0; m < artifact_.tasks.size(); ++m) {
      if (Status s = SwitchTo(m); !s.ok()) throw PolicyError(s.message());
      const std::map<std::string, at::Tensor> hidden = actor_->HiddenStates(observation);
      double sum = 0;
      for (const ValueProbe& probe : probes_) {
        auto it = hidden.find(probe.hidden);
        if (it == hidden.end()) {
          std::vector<std::string> keys;
          for (const auto& [key, value] : hidden) keys.push_back(key);
          throw PolicyError(info_.source + ": hidden_states has no '" + probe.hidden +
                            "' (it gives: " + JoinText(keys, ", ") + "), which router_values pairs with '" +
                            probe.parameter + "'");
        }
        const int64_t d = probe.basis.size(1);
        if (it->second.dim() == 0 || it->second.size(-1) != d) {
          throw PolicyError(info_.source + ": hidden state '" + probe.hidden + "' has shape " +
                            c10::str(it->second.sizes()) + "; '" + probe.parameter + "' reads [..., " +
                            std::to_string(d) + "]");
        }
        const at::Tensor h = it->second.reshape({-1, d}).mean(0);
        sum += at::matmul(probe.basis, h).norm().item<double>();
      }
      scores.push_back(sum / static_cast<double>(probes_.size()));
    }
    return scores;
  }

  // Writes the weights of `task` (nullopt: the merged model) into the module.
  Status SwitchTo(std::optional<size_t> task) {
    if (current_ && *current_ == task) return Status::Ok();
    auto model = ArtifactModel(artifact_, base_, task);
    if (!model.ok()) return Error{model.error().message};
    ParameterMap changed(model.value().source());
    for (const auto& [name, value] : model.value().entries()) {
      if (switched_names_.count(name)) changed.Add(name, value);
    }
    // A module bound to a bf16 checkpoint (merge --module) keeps its own dtypes.
    if (Status s = AssignModuleTensors(actor_->module(), changed, info_.source, Coverage::kSubset, Casting::kFloating);
        !s.ok()) {
      return s;
    }
    current_ = task;
    return Status::Ok();
  }

  MergeArtifact artifact_;
  ParameterMap base_;
  std::unique_ptr<TorchScriptActor> actor_;
  Route route_;
  std::vector<ValueProbe> probes_;
  int route_every_;
  std::string lookup_key_;
  std::map<std::string, std::string> lookup_;
  PolicyInfo info_;
  std::set<std::string> switched_names_;

  std::optional<std::optional<size_t>> current_;  // the weights in the module
  EpisodeContext context_;
  std::optional<size_t> true_task_;
  bool routed_ = false;
  int last_route_step_ = 0;
  std::vector<RouterDecision> decisions_;
};

// The router's pairs with their bases, from "PARAM=KEY,..." and rank k.
Result<std::vector<ValueProbe>> ValueProbes(const MergeArtifact& artifact, const ParameterMap& base,
                                            const std::string& pairs, int k) {
  if (pairs.empty()) {
    return Error{"router:subspace needs the value projections: metadata() key router_values or --policy-opt "
                 "router_values=PARAM=HIDDEN_KEY,..."};
  }
  std::vector<ValueProbe> probes;
  for (const std::string& item : SplitList(pairs)) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return Error{"router_values item '" + item + "': expected PARAM=HIDDEN_KEY"};
    }
    ValueProbe probe{item.substr(0, eq), item.substr(eq + 1), {}};
    for (const std::string& head : artifact.head_names) {
      if (head == probe.parameter) {
        return Error{"router_values: '" + probe.parameter + "' is kept per task (a head); the router reads the "
                     "shared, merged value projections"};
      }
    }
    const at::Tensor* weight = artifact.merged.find(probe.parameter);
    if (weight == nullptr) weight = base.find(probe.parameter);
    if (weight == nullptr) return Error{"router_values: the model has no parameter '" + probe.parameter + "'"};
    if (weight->dim() != 2) {
      return Error{"router_values: '" + probe.parameter + "' has shape " + ShapeText(*weight) + "; a value projection is [out, d]"};
    }
    // Right singular vectors: the rows of Vᴴ, strongest first.
    const at::Tensor vh = std::get<2>(at::linalg_svd(weight->to(at::kDouble), /*full_matrices=*/false));
    probe.basis = vh.slice(0, 0, std::min<int64_t>(k, vh.size(0))).contiguous();
    probes.push_back(std::move(probe));
  }
  return probes;
}

Result<std::map<std::string, std::string>> ParseLookup(const std::string& text) {
  std::map<std::string, std::string> table;
  for (const std::string& item : SplitList(text)) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return Error{"--policy-opt lookup item '" + item + "': expected ID:TASK"};
    }
    if (!table.emplace(item.substr(0, colon), item.substr(colon + 1)).second) {
      return Error{"--policy-opt lookup: id '" + item.substr(0, colon) + "' is given twice"};
    }
  }
  return table;
}

std::string MergedParts(const nlohmann::json& manifest) {
  auto patterns = [&](const char* key) {
    std::vector<std::string> out;
    for (const auto& p : manifest.value(key, nlohmann::json::array())) out.push_back(p.get<std::string>());
    return JoinText(out, ",");
  };
  const std::string parts = patterns("include"), except = patterns("exclude");
  return (parts.empty() ? "all" : parts) + (except.empty() ? "" : " except " + except);
}

}  // namespace

Result<std::unique_ptr<Policy>> MakeMergedPolicy(const std::string& path, PolicyOptions options) {
  std::error_code ec;
  const std::string source = fs::absolute(path, ec).lexically_normal().string();
  auto artifact = ReadMergeArtifact(source);
  if (!artifact.ok()) return artifact.error();
  const MergeArtifact& a = artifact.value();
  if (a.base_kind != "torchscript" && !a.has_module) {
    return Error{source + ": its base is a " + a.base_kind + "; a merged policy needs a TorchScript base module, or "
                 "the code of one given at merge time (gauntlet merge ... --module CODE.pt)"};
  }
  auto route = ParseRoute(options.String("route", a.routable() ? "oracle" : "none"));
  if (!route.ok()) return Error{source + ": " + route.error().message};
  if (route.value() == Route::kNone && !a.head_names.empty()) {
    return Error{source + ": keeps a head per task, so route=none has no model to run: use route=oracle, "
                 "router:subspace or router:lookup"};
  }

  auto module = LoadArtifactBaseModule(a);
  if (!module.ok()) return module.error();
  auto actor = TorchScriptActor::Create(std::move(module).value(), source, options);
  if (!actor.ok()) return actor.error();
  ParameterMap base = ModuleTensorMap(actor.value()->module(), ModuleTensors::kParametersAndBuffers, source + " [base]");
  // A copy: the module's own tensors change as tasks switch.
  ParameterMap base_copy(base.source());
  for (const auto& [name, value] : base.entries()) base_copy.Add(name, value.clone());

  const auto& metadata = actor.value()->metadata();
  auto declared = [&](const std::string& key, const std::string& fallback) {
    auto it = metadata.find(key);
    return it == metadata.end() ? fallback : it->second;
  };
  const std::string pairs = options.String("router_values", declared("router_values", ""));
  int declared_k = 8;  // MergeVLA's k_r
  try {
    declared_k = std::stoi(declared("router_k", "8"));
  } catch (const std::exception&) {
    return Error{source + ": metadata() router_k='" + declared("router_k", "") + "' is not an integer"};
  }
  auto k = options.Int("k", declared_k);
  if (!k.ok()) return Error{source + ": " + k.error().message};
  auto route_every = options.Int("route_every", 0);
  if (!route_every.ok()) return Error{source + ": " + route_every.error().message};
  const std::string lookup_key = options.String("lookup_key", "embodiment");
  auto lookup = ParseLookup(options.String("lookup", ""));
  if (!lookup.ok()) return Error{source + ": " + lookup.error().message};
  if (k.value() < 1) return Error{source + ": --policy-opt k must be at least 1"};
  if (route_every.value() < 0) return Error{source + ": --policy-opt route_every must be 0 (route once) or more"};
  if (lookup_key != "embodiment" && lookup_key != "suite" && lookup_key != "task") {
    return Error{source + ": --policy-opt lookup_key=" + lookup_key + ": expected embodiment, suite or task"};
  }
  if (Status s = options.CheckAllKnown("merged"); !s.ok()) return Error{source + ": " + s.message()};

  std::vector<ValueProbe> probes;
  if (route.value() == Route::kSubspace) {
    if (!actor.value()->has_hidden_states()) {
      return Error{source + ": router:subspace needs the module method hidden_states(images, state, instruction) "
                   "-> Dict[str, Tensor] (README, \"Merged models as policies\")"};
    }
    auto found = ValueProbes(a, base_copy, pairs, k.value());
    if (!found.ok()) return Error{source + ": " + found.error().message};
    probes = std::move(found).value();
  }
  auto sha = Sha256File(source);
  if (!sha.ok()) return sha.error();

  const std::string route_name = options.resolved().at("route").get<std::string>();
  PolicyInfo info;
  info.name = info.kind = "merged";
  info.source = source;
  info.checkpoint_sha256 = sha.value();
  info.action_spec = actor.value()->spec().action;
  info.needs = actor.value()->spec().needs;
  info.needs.task_id = true;  // to name the true task in router_decisions (header)
  info.settings_json = options.resolved().dump();
  info.metadata_json = nlohmann::json{{"merge_method", a.method},
                                      {"merged_parts", MergedParts(a.manifest)},
                                      {"route", route_name},
                                      {"merge_params", a.manifest.at("params")},
                                      {"tasks", a.tasks},
                                      {"heads", a.manifest.at("heads").at("patterns")},
                                      {"per_task_masks", a.per_task_models},
                                      {"base_sha256", a.manifest.at("base").at("sha256")},
                                      {"experts", a.manifest.at("experts")},
                                      {"module", metadata}}
                           .dump();
  auto policy = std::make_unique<MergedPolicy>(std::move(artifact).value(), std::move(base_copy),
                                               std::move(actor).value(), route.value(), std::move(probes),
                                               route_every.value(), lookup_key, std::move(lookup).value(), std::move(info));
  if (Status s = policy->Initialise(); !s.ok()) return Error{s.message()};
  return std::unique_ptr<Policy>(std::move(policy));
}

}  // namespace gauntlet::policies::merged
