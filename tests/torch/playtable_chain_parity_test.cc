// The probe's playtable variant (policies/probe_policy.h) and its twins on
// CALVIN's play table: the TorchScript twin acts bit for bit like the probe
// on real play-table observations; a chain run of suites/calvin.yaml with the
// probe, the TorchScript twin and the websocket server's twin
// (tests/remote/policy_server.py --family playtable) stores identical
// subtask rows, final states and actions; and inside a chain every subtask
// resets the policy with its own instruction, which the probe's actions follow.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "envs/playtable/playtable_env.h"
#include "envs/registered_families.h"
#include "harness/episode_runner.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "policies/probe_policy.h"
#include "policies/torchscript/torchscript_policy.h"
#include "tests/cli/cli_support.h"
#include "tests/remote/policy_server_process.h"

namespace gauntlet {
namespace {

using envs::playtable::PlaytableEnv;
using policies::ProbeFamily;

// The probe's playtable variant in TorchScript, operation for operation in
// float64, written as tests/torch/torchscript_policy_test.cc writes the
// tabletop one (scripts/export_torchscript_policy.py explains the choices).
const char kPlaytableTwin[] = R"(
def mean_intensity(self, image: Tensor) -> float:
    total = int(image.sum())
    return float(total) / float(image.numel()) / 255.0

def act(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor:
    m_static = self.mean_intensity(images["static"])
    m_gripper = self.mean_intensity(images["gripper"])
    pos = state["eef_pos"]
    robot = state["robot_obs"]
    goal = [0.02 * float(len(instruction) % 5), -0.2, 0.6]
    out = torch.zeros([self.chunk, 7], dtype=pos.dtype)
    for k in range(self.chunk):
        f = float(self.chunk - k) / float(self.chunk)
        a = out[k]
        for i in range(3):
            a[i].fill_(min(max(5.0 * (goal[i] - float(pos[i])), -1.0), 1.0) * f)
        a[3].fill_(0.2 * (m_static - 0.5))
        a[4].fill_(0.2 * (m_gripper - 0.5))
        a[5].fill_(0.1 * float(robot[5]))
        a[6].fill_(1.0 if float(robot[6]) > 0.07 else -1.0)
    return out

def metadata(self) -> Dict[str, str]:
    return {"policy": "probe twin, playtable", "chunk": str(self.chunk), "gripper": "+1open/-1close",
            "rotation": "euler_xyz", "cameras": "static,gripper", "state_keys": "eef_pos,robot_obs"}
)";

std::string SaveTwin(const std::string& path, int chunk) {
  torch::jit::Module module("PlaytableProbeTwin");
  module.register_attribute("chunk", c10::IntType::get(), int64_t{chunk});
  module.define(kPlaytableTwin);
  module.save(path);
  return path;
}

std::unique_ptr<Policy> LoadTwin(const std::string& path) {
  auto policy = policies::MakeTorchScriptPolicy(path, {});
  if (!policy.ok()) throw std::runtime_error(policy.error().message);
  return std::move(policy).value();
}

std::unique_ptr<Policy> MakeProbe() {
  auto options = policies::PolicyOptions::Parse({"family=playtable"});
  auto policy = policies::ProbePolicy::Create(options.value());
  if (!policy.ok()) throw std::runtime_error(policy.error().message);
  return std::move(policy).value();
}

// CALVIN's evaluation suite with its generated chains.
const SuiteSpec& Calvin() {
  static const SuiteSpec suite = [] {
    envs::RegisterFamilies(Families());
    auto loaded = LoadSuite(testing::SourceDir() + "/suites/calvin.yaml");
    if (!loaded.ok()) throw std::runtime_error(loaded.error().message);
    return std::move(loaded).value();
  }();
  return suite;
}

std::unique_ptr<PlaytableEnv> MakeEnv(int image_size) {
  envs::playtable::PlaytableOptions options;
  options.render.width = options.render.height = image_size;
  auto env = PlaytableEnv::Create(options);
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::move(env).value();
}

// Equal bit patterns, not just equal values.
void ExpectBitIdentical(const std::vector<Action>& expected, const std::vector<Action>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t h = 0; h < expected.size(); ++h) {
    ASSERT_EQ(expected[h].size(), actual[h].size());
    EXPECT_EQ(std::memcmp(expected[h].data(), actual[h].data(), expected[h].size() * sizeof(double)), 0)
        << "action " << h << ": " << ::testing::PrintToString(expected[h]) << " vs "
        << ::testing::PrintToString(actual[h]);
  }
}

// Observations of the play table (chain 0's start scene) driven by the
// probe, three control steps apart. The instruction is shortened so that its
// length takes every value modulo 5; every other observation says the
// gripper is nearly shut, so both of the probe's gripper branches are taken.
std::vector<Observation> PlaytableObservations(int count) {
  auto env = MakeEnv(64);
  EpisodeSpec spec;
  spec.key.init_state = Calvin().chains[0].init_state;
  spec.instruction = Calvin().tasks[Calvin().chains[0].subtasks[0]].instruction;
  EXPECT_TRUE(env->Reset(spec).ok());
  ObservationRequest request;
  request.cameras = {"static", "gripper"};
  std::vector<Observation> observations;
  for (int i = 0; i < count; ++i) {
    Observation obs = env->Observe(request);
    obs.step = 3 * i;
    obs.instruction.resize(obs.instruction.size() - i % 5);
    if (i % 2) obs.state["robot_obs"][6] = 0.02;
    for (const Action& a : policies::ProbeActions(obs, 3, ProbeFamily::kPlaytable)) env->Step(a);
    observations.push_back(std::move(obs));
  }
  return observations;
}

void ExpectActsLikeTheProbe(const std::string& path, int chunk) {
  auto gl = GlContext::Create("auto", 64, 64);
  ASSERT_TRUE(gl.ok()) << gl.error().message;
  auto twin = LoadTwin(path);
  const PolicyInfo info = twin->info();
  EXPECT_EQ(info.action_spec.Describe(), "eef_delta[7] rotation=euler_xyz gripper=+1open/-1close chunk=" +
                                             std::to_string(chunk));
  EXPECT_EQ(info.needs.cameras, (std::vector<std::string>{"static", "gripper"}));
  EXPECT_EQ(info.needs.state_keys, (std::vector<std::string>{"eef_pos", "robot_obs"}));
  twin->reset(EpisodeContext{});
  std::set<double> grippers;
  for (const Observation& obs : PlaytableObservations(12)) {
    const std::vector<Action> expected = policies::ProbeActions(obs, chunk, ProbeFamily::kPlaytable);
    ExpectBitIdentical(expected, twin->act(obs).actions);
    grippers.insert(expected[0][6]);
  }
  EXPECT_EQ(grippers, (std::set<double>{-1.0, 1.0}));  // both branches were taken
}

TEST(PlaytableProbe, DeclaresThePlayTablesInterfaceAndRefusesUnknownFamilies) {
  const PolicyInfo info = MakeProbe()->info();
  EXPECT_EQ(info.action_spec.Describe(), "eef_delta[7] rotation=euler_xyz gripper=+1open/-1close chunk=4");
  EXPECT_TRUE(CheckCompatible(CalvinEefDeltaSpec(), info.action_spec).ok());
  EXPECT_EQ(info.needs.cameras, (std::vector<std::string>{"static", "gripper"}));
  EXPECT_EQ(info.needs.state_keys, (std::vector<std::string>{"eef_pos", "robot_obs"}));
  EXPECT_EQ(nlohmann::json::parse(info.settings_json)["family"], "playtable");
  auto options = policies::PolicyOptions::Parse({"family=kitchen"});
  auto wrong = policies::ProbePolicy::Create(options.value());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "--policy-opt family='kitchen': expected tabletop, playtable or dualarm");
}

TEST(PlaytableProbe, TwinActsBitForBitLikeTheProbeOnPlayTableObservations) {
  ExpectActsLikeTheProbe(SaveTwin(testing::TempDir("ptable") + "/twin.pt", 4), 4);
}

TEST(PlaytableProbe, TheExportScriptWritesAPlaytableTwinThatActsLikeTheProbe) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)";
  }
  const std::string path = testing::TempDir("ptable") + "/exported.pt";
  const std::string cmd = "/usr/bin/python3 " + testing::SourceDir() + "/scripts/export_torchscript_policy.py " +
                          path + " --chunk 3 --family playtable >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  ExpectActsLikeTheProbe(path, 3);
}

// ---- Inside a chain: a reset and the new instruction at every subtask.

// The real play table, except that the chain's first subtask counts as done
// after `steps` steps: the probe completes no CALVIN task, and a chain stops
// at its first failure, so without this the second subtask never begins.
class FirstSubtaskDoneAfter : public Env {
 public:
  FirstSubtaskDoneAfter(PlaytableEnv& world, int steps) : world_(world), steps_(steps) {}
  const ActionSpec& action_spec() const override { return world_.action_spec(); }
  ObservationSpec observation_spec() const override { return world_.observation_spec(); }
  std::string instruction() const override { return world_.instruction(); }
  std::string embodiment() const override { return world_.embodiment(); }
  Status Reset(const EpisodeSpec& spec) override {
    subtasks_begun_ = 0;
    return world_.Reset(spec);
  }
  Status BeginSubtask(const SubtaskSpec& subtask) override {
    ++subtasks_begun_;
    steps_in_subtask_ = 0;
    return world_.BeginSubtask(subtask);
  }
  StepResult Step(const Action& action) override {
    StepResult r = world_.Step(action);
    if (subtasks_begun_ == 1 && ++steps_in_subtask_ == steps_) r.success = true;
    return r;
  }
  Observation Observe(const ObservationRequest& request) override { return world_.Observe(request); }
  PrivilegedState privileged_state() const override { return world_.privileged_state(); }
  std::string state_hash() const override { return world_.state_hash(); }

 private:
  PlaytableEnv& world_;
  int steps_;
  int subtasks_begun_ = 0;
  int steps_in_subtask_ = 0;
};

// Passes everything to `inner`, keeping each reset's context and each
// observation the policy was shown.
class Recording : public Policy {
 public:
  explicit Recording(std::unique_ptr<Policy> inner) : inner_(std::move(inner)) {}
  PolicyInfo info() const override { return inner_->info(); }
  void reset(const EpisodeContext& context) override {
    contexts.push_back(context);
    inner_->reset(context);
  }
  ActionChunk act(const Observation& observation) override {
    observations.push_back(observation);
    return inner_->act(observation);
  }
  std::vector<EpisodeContext> contexts;
  std::vector<Observation> observations;

 private:
  std::unique_ptr<Policy> inner_;
};

struct ChainRun {
  EpisodeOutcome outcome;
  std::vector<EpisodeContext> contexts;
  std::vector<Observation> observations;
};

ChainRun RunTwoSubtasks(std::unique_ptr<Policy> policy, const EpisodeSpec& spec, const EpisodeContext& context) {
  auto world = MakeEnv(64);
  FirstSubtaskDoneAfter env(*world, 8);
  Recording recording(std::move(policy));
  RunnerOptions options;
  options.replan_steps = 4;
  ChainRun run;
  run.outcome = RunEpisode(env, recording, spec, context, options);
  run.contexts = std::move(recording.contexts);
  run.observations = std::move(recording.observations);
  return run;
}

TEST(PlaytableChain, EachSubtaskResetsThePolicyWithItsInstructionAndTheProbeFollowsIt) {
  auto gl = GlContext::Create("auto", 64, 64);
  ASSERT_TRUE(gl.ok()) << gl.error().message;
  // The first CALVIN chain whose first two instructions differ in length
  // modulo 5: the probe's goal, hence its actions, differ between them.
  const SuiteSpec& calvin = Calvin();
  const ChainSpec* chain = nullptr;
  for (const ChainSpec& c : calvin.chains) {
    if (calvin.tasks[c.subtasks[0]].instruction.size() % 5 != calvin.tasks[c.subtasks[1]].instruction.size() % 5) {
      chain = &c;
      break;
    }
  }
  ASSERT_NE(chain, nullptr);
  EpisodeSpec spec;
  spec.key = {calvin.name, chain->name, "default", chain->init_state, 0};
  for (int k = 0; k < 2; ++k) {
    const TaskSpec& task = calvin.tasks[chain->subtasks[k]];
    spec.chain.push_back({task.name, task.file, task.instruction, 12});
  }
  const std::string first = spec.chain[0].instruction, second = spec.chain[1].instruction;
  spec.instruction = first;
  EpisodeContext context;
  context.suite = calvin.name;
  context.instruction = first;

  const ChainRun probe = RunTwoSubtasks(MakeProbe(), spec, context);
  const EpisodeOutcome& o = probe.outcome;
  EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;
  EXPECT_EQ(o.termination, "subtask 1 (" + spec.chain[1].task + "): max_steps");
  EXPECT_EQ(o.steps, 8 + 12);
  std::vector<SubtaskResult> rows;
  for (const Event& e : o.events) {
    if (const auto* row = std::get_if<SubtaskResult>(&e)) rows.push_back(*row);
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ((std::vector<std::string>{rows[0].instruction, rows[1].instruction}),
            (std::vector<std::string>{first, second}));
  EXPECT_TRUE(rows[0].success);
  EXPECT_EQ(rows[0].steps, 8);
  EXPECT_EQ(rows[1].start_step, 8);

  // Reset before each subtask with that subtask's instruction; every
  // observation carried the instruction of its subtask (queries every 4
  // steps: steps 0 and 4 of the first, 0, 4 and 8 of the second).
  ASSERT_EQ(probe.contexts.size(), 2u);
  EXPECT_EQ(probe.contexts[0].instruction, first);
  EXPECT_EQ(probe.contexts[1].instruction, second);
  EXPECT_EQ(probe.contexts[1].subtask, 1);
  ASSERT_EQ(probe.observations.size(), 5u);
  for (size_t i = 0; i < probe.observations.size(); ++i) {
    EXPECT_EQ(probe.observations[i].instruction, i < 2 ? first : second) << i;
  }
  // The first action after the switch is the new instruction's: told the old
  // one, the probe would have moved elsewhere.
  Observation switched = probe.observations[2];
  EXPECT_EQ(switched.step, 0);
  const Action executed = o.actions.at(8);
  ExpectBitIdentical({policies::ProbeActions(switched, 4, ProbeFamily::kPlaytable)[0]}, {executed});
  switched.instruction = first;
  EXPECT_NE(policies::ProbeActions(switched, 4, ProbeFamily::kPlaytable)[0], executed);

  // The TorchScript twin goes through the same chain identically.
  const std::string path = SaveTwin(testing::TempDir("ptable") + "/twin.pt", 4);
  const ChainRun twin = RunTwoSubtasks(LoadTwin(path), spec, context);
  EXPECT_EQ(twin.outcome.status, o.status) << twin.outcome.termination;
  EXPECT_EQ(twin.outcome.state_hash, o.state_hash);
  ExpectBitIdentical(o.actions, twin.outcome.actions);
  ASSERT_EQ(twin.contexts.size(), 2u);
  EXPECT_EQ(twin.contexts[1].instruction, second);
}

// ---- End to end: `gauntlet run suites/calvin.yaml` through three doors.

nlohmann::json SubtaskRows(const std::string& db, const std::string& run) {
  return QueryJson(db, "SELECT s.task, s.position, s.subtask, s.success, s.steps, s.instruction FROM subtasks s "
                   "JOIN runs r USING (run_id) WHERE r.name = '" + run + "' ORDER BY s.task, s.position");
}

nlohmann::json EpisodeRows(const std::string& db, const std::string& run) {
  return QueryJson(db, "SELECT e.task, e.init_state, e.status, e.steps, e.termination, e.state_hash, "
                   "hex(e.actions) AS actions FROM episodes e JOIN runs r USING (run_id) WHERE r.name = '" + run +
                   "' ORDER BY e.task");
}

TEST(PlaytableChainCli, ProbeTorchScriptTwinAndRemoteTwinStoreIdenticalChains) {
  const std::string dir = testing::TempDir("ptable-cli");
  const std::string db = dir + "/r.db", twin = SaveTwin(dir + "/twin.pt", 4);
  testing::PolicyServerProcess server({"--chunk", "4", "--family", "playtable"});
  ASSERT_TRUE(server.started()) << server.log();
  const std::string run = "run " + testing::SourceDir() + "/suites/calvin.yaml --chains 0-1 --replan-steps 4 " +
                          "--workers 1 --quiet --db " + db;
  const std::string keymap = testing::SourceDir() + "/tests/remote/playtable_keymap.json";
  const std::vector<std::pair<std::string, std::string>> doors = {
      {"probe", "--policy probe --policy-opt family=playtable"},
      {"twin", "--policy torchscript:" + twin},
      {"remote", "--policy remote:" + server.url() + " --policy-opt keymap=" + keymap},
  };
  for (const auto& [name, policy] : doors) {
    const Ran ran = Gauntlet(run + " --run-name " + name + " " + policy);
    ASSERT_EQ(ran.exit_code, 0) << name << ": " << ran.err << server.log();
  }

  const nlohmann::json subtasks = SubtaskRows(db, "probe"), episodes = EpisodeRows(db, "probe");
  ASSERT_EQ(episodes.size(), 2u) << episodes;
  const SuiteSpec& calvin = Calvin();
  for (int c = 0; c < 2; ++c) {
    // Each chain fails its first subtask (the probe hovers above the desk)
    // after CALVIN's 360 steps: one row, with the chain's first instruction.
    const ChainSpec& chain = calvin.chains[c];
    const TaskSpec& task = calvin.tasks[chain.subtasks[0]];
    const nlohmann::json& e = episodes[c];
    EXPECT_EQ(e["task"], chain.name);
    EXPECT_EQ(e["status"], "failure") << e["termination"];
    EXPECT_EQ(e["steps"], 360);
    EXPECT_EQ(e["termination"], "subtask 0 (" + task.name + "): max_steps");
    EXPECT_EQ(e["actions"].get<std::string>().size(), 2u * 360 * 7 * 8);
    const nlohmann::json& s = subtasks.at(c);
    EXPECT_EQ(s["task"], chain.name);
    EXPECT_EQ(s["position"], 0);
    EXPECT_EQ(s["subtask"], task.name);
    EXPECT_EQ(s["success"], 0);
    EXPECT_EQ(s["steps"], 360);
    EXPECT_EQ(s["instruction"], task.instruction);
  }
  ASSERT_EQ(subtasks.size(), 2u) << subtasks;
  for (const std::string other : {"twin", "remote"}) {
    EXPECT_EQ(SubtaskRows(db, other), subtasks) << other;
    EXPECT_EQ(EpisodeRows(db, other), episodes) << other << ": other states or actions than the probe's";
  }
  const nlohmann::json remote = QueryJson(db, "SELECT p.metadata_json FROM policies p JOIN runs r USING (policy_id) "
                                          "WHERE r.name = 'remote'");
  ASSERT_EQ(remote.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(remote[0]["metadata_json"].get<std::string>())["policy"], "probe");
}

}  // namespace
}  // namespace gauntlet
