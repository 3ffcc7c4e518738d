#include "policies/torchscript/torchscript_policy.h"

#include <torch/script.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/run_metadata.h"
#include "merging/torch_errors.h"
#include "policies/torchscript/torchscript_actor.h"

namespace gauntlet::policies {

namespace {

namespace fs = std::filesystem;

class TorchScriptPolicy : public Policy {
 public:
  TorchScriptPolicy(std::unique_ptr<TorchScriptActor> actor, PolicyInfo info)
      : actor_(std::move(actor)), info_(std::move(info)) {}

  PolicyInfo info() const override { return info_; }
  void reset(const EpisodeContext& context) override { actor_->Reset(context); }
  ActionChunk act(const Observation& observation) override { return ActionChunk{actor_->Act(observation), {}}; }

  // A module with act_batch and without reset keeps nothing per episode, so
  // one module serves every episode of the run; its sessions hold nothing.
  bool batches() const override { return actor_->has_act_batch() && !actor_->has_reset(); }
  std::shared_ptr<PolicySession> open_session() override { return std::make_shared<StatelessSession>(); }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    std::vector<const Observation*> observations;
    for (const PolicyQuery& q : queries) observations.push_back(q.observation.get());
    std::vector<PolicyAnswer> answers;
    for (std::vector<Action>& chunk : actor_->ActBatch(observations)) answers.push_back({{std::move(chunk), {}}, {}});
    return answers;
  }

 private:
  std::unique_ptr<TorchScriptActor> actor_;
  PolicyInfo info_;
};

}  // namespace

Result<std::unique_ptr<Policy>> MakeTorchScriptPolicy(const std::string& path, PolicyOptions options) {
  std::error_code ec;
  const std::string source = fs::absolute(path, ec).lexically_normal().string();
  if (ec || !fs::is_regular_file(source)) return Error{source + ": no such file"};
  torch::jit::Module module;
  try {
    module = torch::jit::load(source, torch::kCPU);
  } catch (const std::exception& e) {
    return Error{source + ": not a TorchScript module (" + merging::TorchErrorReason(e) +
                 "); write one with torch.jit.script(model).save(path), as scripts/export_torchscript_policy.py does"};
  }
  auto actor = TorchScriptActor::Create(std::move(module), source, options);
  if (!actor.ok()) return actor.error();
  if (Status s = options.CheckAllKnown("torchscript"); !s.ok()) return Error{source + ": " + s.message()};
  auto sha = Sha256File(source);
  if (!sha.ok()) return sha.error();

  const TorchScriptActor& a = *actor.value();
  PolicyInfo info;
  info.name = info.kind = "torchscript";
  info.source = source;
  info.checkpoint_sha256 = sha.value();
  info.action_spec = a.spec().action;
  info.needs = a.spec().needs;
  info.settings_json = options.resolved().dump();
  info.metadata_json = nlohmann::json(a.metadata()).dump();
  return std::unique_ptr<Policy>(new TorchScriptPolicy(std::move(actor).value(), std::move(info)));
}

}  // namespace gauntlet::policies
