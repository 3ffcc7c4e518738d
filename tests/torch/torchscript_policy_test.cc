// TorchScript policies with real LibTorch, real MuJoCo worlds and the real
// CLI: the probe's TorchScript twin acts bit for bit like the probe, through
// the policy and through `gauntlet run`; bad files, bad declarations and bad
// outputs are refused or recorded with the file named.
#include "policies/torchscript/torchscript_policy.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness/gl_context.h"
#include "policies/probe_policy.h"
#include "tests/torch/probe_twin.h"
#include "tests/cli/cli_support.h"
#include "tests/envs/env_fixture.h"

namespace gauntlet {
namespace {

const char kActSignature[] =
    "def act(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor:\n";

// Compiles `source` into a module with the given attributes and saves it.
std::string SaveModule(const std::string& path, const std::string& source,
                       const std::map<std::string, c10::IValue>& attributes = {}) {
  torch::jit::Module module("TestPolicy");
  for (const auto& [name, value] : attributes) module.register_attribute(name, value.type(), value);
  module.define(source);
  module.save(path);
  return path;
}

std::string SaveTwin(const std::string& path, int chunk) {
  return SaveModule(path, testing::ProbeTwin(), {{"chunk", int64_t{chunk}}, {"episodes", int64_t{0}}});
}

// A module whose act returns `expression` and whose metadata() is `metadata`.
std::string SaveActModule(const std::string& path, const std::string& expression,
                          const std::string& metadata = "{}") {
  return SaveModule(path, std::string(kActSignature) + "    return " + expression +
                              "\n\ndef metadata(self) -> Dict[str, str]:\n    return " + metadata + "\n");
}

Result<std::unique_ptr<Policy>> Load(const std::string& path, const std::vector<std::string>& settings = {}) {
  auto options = policies::PolicyOptions::Parse(settings);
  if (!options.ok()) return options.error();
  return policies::MakeTorchScriptPolicy(path, options.value());
}

// Observations of a real world (LIBERO-Spatial task 0) driven by the probe,
// three control steps apart. The instruction is shortened so that its length
// takes every value modulo 5. The world reports the fingers as LIBERO does,
// (+q, -q); every other observation says they are nearly shut, so both of
// the probe's gripper branches (opening > 0.07 or not) are taken.
std::vector<Observation> RealObservations(int count) {
  auto env = testing::SpatialEnv(0);
  EXPECT_TRUE(env->Reset(testing::SpatialEpisode(0, 0)).ok());
  ObservationRequest request;
  request.cameras = {"agentview", "wrist"};
  std::vector<Observation> observations;
  for (int i = 0; i < count; ++i) {
    Observation obs = env->Observe(request);
    obs.step = 3 * i;
    obs.instruction.resize(obs.instruction.size() - i % 5);
    if (i % 2) obs.state["gripper_qpos"] = {0.01, -0.01};
    for (const Action& a : policies::ProbeActions(obs, 3)) env->Step(a);
    observations.push_back(std::move(obs));
  }
  return observations;
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

// The twin at `path` against the probe on real observations.
void ExpectActsLikeTheProbe(const std::string& path, int chunk) {
  auto gl = GlContext::Create("auto", 64, 64);
  ASSERT_TRUE(gl.ok()) << gl.error().message;
  auto policy = Load(path);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy.value()->info().action_spec.chunk_length, chunk);
  policy.value()->reset(EpisodeContext{});
  std::set<double> grippers;
  for (const Observation& obs : RealObservations(12)) {
    const std::vector<Action> expected = policies::ProbeActions(obs, chunk);
    ExpectBitIdentical(expected, policy.value()->act(obs).actions);
    grippers.insert(expected[0][6]);
  }
  EXPECT_EQ(grippers, (std::set<double>{-1.0, 1.0}));  // both branches were taken
}

// A 4x4 frame per camera and the hand's state: enough for outputs that do not
// depend on the world.
Observation SyntheticObservation() {
  Observation obs;
  for (const char* camera : {"agentview", "wrist"}) obs.images[camera] = Image{4, 4, std::vector<std::uint8_t>(48, 7)};
  obs.state = {{"eef_pos", {0.1, 0.2, 0.9}}, {"eef_axis_angle", {0, 0, 1}}, {"gripper_qpos", {0.04, 0.04}}};
  obs.instruction = "pick up the bowl";
  return obs;
}

// The message of the PolicyError act throws ("" if it throws none).
std::string ActError(Policy& policy) {
  try {
    policy.act(SyntheticObservation());
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

std::string Output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string Sha256Sum(const std::string& path) { return Output("sha256sum '" + path + "'").substr(0, 64); }

TEST(TorchScriptPolicy, TwinActsBitForBitLikeTheProbeOnRealObservations) {
  const std::string dir = testing::TempDir("torch");
  ExpectActsLikeTheProbe(SaveTwin(dir + "/twin.pt", 4), 4);
}

TEST(TorchScriptPolicy, DeclaresTheSpecOfItsMetadataAndRecordsWhereItCameFrom) {
  const std::string dir = testing::TempDir("torch");
  const std::string path = SaveTwin(dir + "/twin.pt", 4);
  auto policy = Load(dir + "/../" + std::filesystem::path(dir).filename().string() + "/twin.pt");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  const PolicyInfo info = policy.value()->info();
  EXPECT_EQ(info.kind, "torchscript");
  EXPECT_EQ(info.name, "torchscript");
  EXPECT_EQ(info.source, path);  // absolute and normalised
  EXPECT_EQ(info.checkpoint_sha256, Sha256Sum(path));
  EXPECT_EQ(info.action_spec.Describe(), "eef_delta[7] rotation=axis_angle gripper=-1open/+1close chunk=4");
  EXPECT_EQ(info.needs.cameras, (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(info.needs.state_keys, (std::vector<std::string>{"eef_pos", "eef_axis_angle", "gripper_qpos"}));
  EXPECT_EQ(info.needs.image_width, 0);
  EXPECT_FALSE(info.needs.task_id);
  const auto metadata = nlohmann::json::parse(info.metadata_json);
  EXPECT_EQ(metadata["policy"], "probe twin");
  EXPECT_EQ(metadata["chunk"], "4");
  const auto settings = nlohmann::json::parse(info.settings_json);
  EXPECT_EQ(settings["threads"], 1);
  EXPECT_EQ(settings["chunk"], 4);
  EXPECT_EQ(settings["normalized"], false);
  EXPECT_EQ(settings["cameras"], nlohmann::json::parse(R"(["agentview", "wrist"])"));  // in its JSON form
  EXPECT_EQ(settings["action_low"], nlohmann::json(std::vector<double>(7, -1.0)));

  // --policy-opt overrides what the module declares.
  auto overridden = Load(path, {"image_size=64", "orientation=rotated180", "cameras=wrist", "normalized=true",
                                "threads=2"});
  ASSERT_TRUE(overridden.ok()) << overridden.error().message;
  const PolicyInfo o = overridden.value()->info();
  EXPECT_EQ(o.needs.image_width, 64);
  EXPECT_EQ(o.needs.image_height, 64);
  EXPECT_EQ(o.needs.orientation, ImageOrientation::kRotated180);
  EXPECT_EQ(o.needs.cameras, (std::vector<std::string>{"wrist"}));
  EXPECT_TRUE(o.action_spec.normalized);
  EXPECT_EQ(nlohmann::json::parse(o.settings_json)["threads"], 2);
}

TEST(TorchScriptPolicy, ResetReceivesTheTaskWhenTheModuleDeclaresTaskId) {
  const std::string dir = testing::TempDir("torch");
  const std::string path = SaveModule(
      dir + "/routed.pt",
      std::string(kActSignature) + "    return torch.full([7], self.last)\n\n"
          "def reset(self, task: str, task_index: int) -> None:\n"
          "    self.last = float(task_index) + 0.5 * float(len(task))\n\n"
          "def metadata(self) -> Dict[str, str]:\n    return {'task_id': 'true'}\n",
      {{"last", 0.0}});
  auto policy = Load(path);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_TRUE(policy.value()->info().needs.task_id);
  EpisodeContext context;
  context.task = "abcd";
  context.task_index = 3;
  policy.value()->reset(context);
  // A 1-D float32 output is one action, converted to float64.
  EXPECT_EQ(policy.value()->act(SyntheticObservation()).actions, (std::vector<Action>{Action(7, 5.0)}));

  auto no_task_id = Load(path, {"task_id=false"});
  ASSERT_FALSE(no_task_id.ok());
  EXPECT_NE(no_task_id.error().message.find("expected reset()"), std::string::npos) << no_task_id.error().message;
  const std::string plain = SaveActModule(dir + "/plain.pt", "torch.zeros([7])");
  auto missing_reset = Load(plain, {"task_id=true"});
  ASSERT_FALSE(missing_reset.ok());
  EXPECT_NE(missing_reset.error().message.find("task_id=true needs a method reset(task: str, task_index: int)"),
            std::string::npos)
      << missing_reset.error().message;
}

TEST(TorchScriptPolicy, InvalidDeclaredValuesNameTheKeyAndTheFile) {
  const std::string dir = testing::TempDir("torch");
  const std::string bad = SaveActModule(dir + "/bad.pt", "torch.zeros([7])", "{'action_dim': 'seven'}");
  auto declared = Load(bad);
  ASSERT_FALSE(declared.ok());
  EXPECT_EQ(declared.error().message,
            bad + ": action_dim='seven' (from metadata()): expected an integer >= 1");
  // A valid override wins over an invalid declaration.
  EXPECT_TRUE(Load(bad, {"action_dim=7"}).ok());

  const std::string twin = SaveTwin(dir + "/twin.pt", 4);
  auto rotation = Load(twin, {"rotation=sideways"});
  ASSERT_FALSE(rotation.ok());
  EXPECT_EQ(rotation.error().message.find(twin + ": rotation='sideways' (from --policy-opt): unknown rotation format"), 0u)
      << rotation.error().message;
  for (const std::string setting : {"orientation=sideways", "chunk=-1", "normalized=maybe", "image_size=big"}) {
    auto r = Load(twin, {setting});
    ASSERT_FALSE(r.ok()) << setting;
    EXPECT_EQ(r.error().message.find(twin + ": " + setting.substr(0, setting.find('='))), 0u) << r.error().message;
  }
  auto threads = Load(twin, {"threads=0"});
  ASSERT_FALSE(threads.ok());
  EXPECT_NE(threads.error().message.find("threads must be at least 1"), std::string::npos);
  auto typo = Load(twin, {"chunks=3"});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("'chunks': not a setting of torchscript policies"), std::string::npos)
      << typo.error().message;
}

TEST(TorchScriptPolicy, RefusesMissingFilesOtherFilesAndModulesWithoutAct) {
  const std::string dir = testing::TempDir("torch");
  auto missing = Load(dir + "/missing.pt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, dir + "/missing.pt: no such file");

  std::ofstream(dir + "/notes.pt") << "not a model\n";
  auto text = Load(dir + "/notes.pt");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message.find(dir + "/notes.pt: not a TorchScript module"), 0u) << text.error().message;

  const std::string no_act = SaveModule(dir + "/no_act.pt", "def metadata(self) -> Dict[str, str]:\n    return {}\n");
  auto without = Load(no_act);
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.error().message, no_act + ": the module has no method act(images: Dict[str, Tensor], "
                                              "state: Dict[str, Tensor], instruction: str) -> Tensor");

  const std::string other_act = SaveModule(dir + "/other_act.pt", "def act(self, x: Tensor) -> Tensor:\n    return x\n");
  auto other = Load(other_act);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find(other_act + ": the module's act is act("), std::string::npos)
      << other.error().message;
}

TEST(TorchScriptPolicy, BadOutputsAndExceptionsArePolicyErrorsNamingTheFileAndShape) {
  const std::string dir = testing::TempDir("torch");
  struct Case {
    std::string expression, metadata, message;
  };
  const Case cases[] = {
      {"torch.zeros([4, 6]).double()", "{}",
       "act returned a Double tensor of shape [4, 6]; expected floating point values of shape [H, 7] or [7]"},
      {"torch.zeros([2, 7]).long()", "{}", "act returned a Long tensor of shape [2, 7]"},
      {"torch.zeros([1, 2, 7])", "{}", "act returned a Float tensor of shape [1, 2, 7]"},
      {"torch.zeros([0, 7])", "{}", "act returned a Float tensor of shape [0, 7]"},
      {"torch.zeros([4, 7])", "{'chunk': '3'}",
       "act returned a Float tensor of shape [4, 7]; expected floating point values of shape [3, 7]"},
      {"images['nowhere']", "{}", "act failed: "},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string path = SaveActModule(dir + "/bad" + std::to_string(i++) + ".pt", c.expression, c.metadata);
    auto policy = Load(path);
    ASSERT_TRUE(policy.ok()) << policy.error().message;
    const std::string error = ActError(*policy.value());
    EXPECT_EQ(error.find(path + ": " + c.message), 0u) << error;
  }
  // The module's own exception, with its message.
  const std::string raising = SaveModule(
      dir + "/raising.pt",
      std::string(kActSignature) + "    assert len(instruction) == 0, 'the weights are gone'\n    return torch.zeros([7])\n");
  auto policy = Load(raising);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  const std::string error = ActError(*policy.value());
  EXPECT_EQ(error.find(raising + ": act failed: "), 0u) << error;
  EXPECT_NE(error.find("the weights are gone"), std::string::npos) << error;
}

// ---- End to end: the real `gauntlet` binary and the SQLite file it writes.


nlohmann::json EpisodesOf(const std::string& db, const std::string& run) {
  return QueryJson(db,
               "SELECT e.task, e.init_state, e.status, e.steps, e.termination, e.state_hash, hex(e.actions) AS actions "
               "FROM episodes e JOIN runs r USING (run_id) WHERE r.name = '" + run + "' ORDER BY e.task, e.init_state");
}

const char kShortRun[] = "run libero_spatial --tasks 0 --trials 2 --replan-steps 4 --quiet";

TEST(TorchScriptCli, TwinAndProbeStoreIdenticalEpisodes) {
  const std::string dir = testing::TempDir("torch");
  const std::string twin = SaveTwin(dir + "/twin.pt", 4), db = dir + "/r.db";
  const std::string run = std::string(kShortRun) + " --db " + db;
  Ran probe = Gauntlet(run + " --policy probe --run-name probe");
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  Ran torch = Gauntlet(run + " --policy torchscript:" + twin + " --run-name twin");
  ASSERT_EQ(torch.exit_code, 0) << torch.err;

  const nlohmann::json expected = EpisodesOf(db, "probe"), actual = EpisodesOf(db, "twin");
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected, actual);
  for (const auto& episode : actual) {
    EXPECT_EQ(episode["status"], "failure");  // the probe reaches for the sky
    EXPECT_EQ(episode["steps"], 220);
    EXPECT_EQ(episode["actions"].get<std::string>().size(), 2u * 220 * 7 * 8);
  }

  const nlohmann::json policy = QueryJson(
      db, "SELECT p.kind, p.source, p.checkpoint_sha256, p.metadata_json, p.settings_json "
          "FROM policies p JOIN runs r USING (policy_id) WHERE r.name = 'twin'");
  ASSERT_EQ(policy.size(), 1u);
  EXPECT_EQ(policy[0]["kind"], "torchscript");
  EXPECT_EQ(policy[0]["source"], twin);
  EXPECT_EQ(policy[0]["checkpoint_sha256"], Sha256Sum(twin));
  EXPECT_EQ(nlohmann::json::parse(policy[0]["metadata_json"].get<std::string>())["policy"], "probe twin");
  EXPECT_EQ(nlohmann::json::parse(policy[0]["settings_json"].get<std::string>())["threads"], 1);
}

TEST(TorchScriptCli, RefusesAMissingFileAndAFileThatIsNotTorchScript) {
  const std::string dir = testing::TempDir("torch");
  const std::string run = std::string(kShortRun) + " --db " + dir + "/r.db --policy torchscript:";
  Ran missing = Gauntlet(run + dir + "/missing.pt");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir + "/missing.pt: no such file"), std::string::npos) << missing.err;
  std::ofstream(dir + "/notes.pt") << "not a model\n";
  Ran text = Gauntlet(run + dir + "/notes.pt");
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.err.find(dir + "/notes.pt: not a TorchScript module"), std::string::npos) << text.err;
}

TEST(TorchScriptCli, AWrongWidthMakesEachEpisodeAnErrorAndTheRunCompletes) {
  const std::string dir = testing::TempDir("torch");
  const std::string path = SaveActModule(dir + "/narrow.pt", "torch.zeros([4, 6])"), db = dir + "/r.db";
  Ran r = Gauntlet(std::string(kShortRun) + " --db " + db + " --policy torchscript:" + path + " --run-name narrow");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json episodes = EpisodesOf(db, "narrow");
  ASSERT_EQ(episodes.size(), 2u);
  for (const auto& episode : episodes) {
    EXPECT_EQ(episode["status"], "error");
    EXPECT_EQ(episode["steps"], 0);
    const std::string reason = episode["termination"];
    EXPECT_NE(reason.find(path + ": act returned a Float tensor of shape [4, 6]"), std::string::npos) << reason;
  }
  EXPECT_EQ(QueryJson(db, "SELECT status FROM runs WHERE name = 'narrow'")[0]["status"], "completed");
}

// ---- The export recipe (scripts/export_torchscript_policy.py).

TEST(TorchScriptExport, TheScriptWritesATwinThatActsLikeTheProbe) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)";
  }
  const std::string path = testing::TempDir("torch") + "/exported.pt";
  const std::string log = Output("/usr/bin/python3 " + testing::SourceDir() +
                                 "/scripts/export_torchscript_policy.py " + path + " --chunk 3 2>&1");
  ASSERT_TRUE(std::filesystem::exists(path)) << log;
  ExpectActsLikeTheProbe(path, 3);
}

}  // namespace
}  // namespace gauntlet
