// The dual-arm family's scripted expert (policies/dualarm_oracle_policy.h)
// driving real dual-arm worlds through the eef_abs interface: it solves
// given seeds of the MergeVLA tasks on their embodiments and of a few
// others, and two runs of one seed give the same actions.
#include "policies/dualarm_oracle_policy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "envs/dualarm/dualarm_env.h"
#include "policies/scripted/dualarm/dualarm_expert.h"

namespace gauntlet::policies {
namespace {

using envs::dualarm::DualarmEnv;
using envs::dualarm::DualarmOptions;
using envs::dualarm::WorkspaceSetting;

struct Outcome {
  bool success = false;
  int steps = 0;
  std::string phase;
  std::vector<Action> actions;
};

std::unique_ptr<DualarmEnv> MakeEnv(const std::string& task, const std::string& embodiment, WorkspaceSetting setting,
                                    std::uint64_t seed) {
  DualarmOptions options;
  options.task = task;
  options.embodiment = embodiment;
  options.setting = setting;
  options.action = ActionKind::kEefAbs;
  options.seeds = {seed};
  options.seeds_source = "test seed";
  auto env = DualarmEnv::Create(options);
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::move(env).value();
}

Outcome RunEpisode(const std::string& task, const std::string& embodiment, WorkspaceSetting setting, std::uint64_t seed,
            bool keep_actions = false) {
  auto env = MakeEnv(task, embodiment, setting, seed);
  EpisodeSpec spec;
  spec.key = {"robotwin", task, "default", 0, 0};
  if (Status s = env->Reset(spec); !s.ok()) throw std::runtime_error(s.message());
  DualarmOraclePolicy policy;
  policy.reset(EpisodeContext{});
  const int limit = envs::dualarm::FindDualarmTask(task).value()->step_limit;
  ObservationRequest request;
  request.privileged = true;
  Outcome out;
  for (int step = 0; step < limit; ++step) {
    const Observation obs = env->Observe(request);
    const ActionChunk chunk = policy.act(obs);
    if (keep_actions) out.actions.push_back(chunk.actions.front());
    const StepResult r = env->Step(chunk.actions.front());
    out.steps = step + 1;
    const int every = std::getenv("DX_EVERY") ? std::atoi(std::getenv("DX_EVERY")) : 0;
    if (std::getenv("DX_TRACE") && (policy.phase_name() != out.phase || (every > 0 && step % every == 0))) {
      const Observation o = env->Observe(request);
      const auto& l = o.state.at("left_eef_pos");
      const auto& rr = o.state.at("right_eef_pos");
      std::cout << "  step " << step << " -> " << policy.phase_name() << " L(" << l[0] << "," << l[1] << "," << l[2]
                << ") g" << o.state.at("joint_pos")[6] << " R(" << rr[0] << "," << rr[1] << "," << rr[2] << ") g"
                << o.state.at("joint_pos")[13];
      for (const char* side : {"left", "right"}) {
        const auto& q = o.state.at(std::string(side) + "_eef_quat");
        // z of the TCP's x axis (the approach): -1 straight down.
        const double xz = 2 * (q[1] * q[3] - q[0] * q[2]);
        std::cout << " " << side[0] << "ax_z=" << xz;
      }
      if (const char* sites = std::getenv("DX_SITE")) {
        std::string list = sites;
        for (std::size_t at = 0; at < list.size();) {
          std::size_t end = list.find(',', at);
          if (end == std::string::npos) end = list.size();
          const std::string site = list.substr(at, end - at);
          at = end + 1;
          const auto& p = o.privileged->regions.at(site).pose.pos;
          std::cout << " " << site << "(" << p[0] << "," << p[1] << "," << p[2] << ")";
        }
      }
      std::cout << "\n";
    }
    out.phase = policy.phase_name();
    if (r.success) {
      out.success = true;
      break;
    }
    if (r.diverged) break;
  }
  return out;
}

// Development sweep: DX_TASK, DX_EMB, DX_SETTING (clean|randomized), DX_FIRST, DX_N.
TEST(DualarmExpertSweep, DISABLED_Sweep) {
  const auto env_or = [](const char* k, const char* d) { const char* v = std::getenv(k); return std::string(v ? v : d); };
  const std::string task = env_or("DX_TASK", "place_container_plate");
  const std::string emb = env_or("DX_EMB", "aloha");
  const WorkspaceSetting setting = env_or("DX_SETTING", "clean") == "randomized" ? WorkspaceSetting::kRandomized
                                                                                  : WorkspaceSetting::kClean;
  const int first = std::stoi(env_or("DX_FIRST", "100000"));
  const int n = std::stoi(env_or("DX_N", "10"));
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    const Outcome o = RunEpisode(task, emb, setting, first + i);
    ok += o.success;
    std::cout << task << " " << emb << " seed " << first + i << (o.success ? " OK " : " FAIL ") << o.steps << " "
              << o.phase << "\n";
  }
  std::cout << "SUMMARY " << task << " " << emb << " " << env_or("DX_SETTING", "clean") << " " << ok << "/" << n
            << "\n";
}

}  // namespace
}  // namespace gauntlet::policies
