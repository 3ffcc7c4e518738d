// Learned-policy doors on the dual-arm family with real LibTorch, real MuJoCo
// and the real CLI: the dual-arm probe's TorchScript twin stores the same
// episodes as the C++ probe on MergeVLA's setting A (one task, three
// embodiments), and a merged model of three experts runs MergeVLA's setting B
// (a task per embodiment) with `router:lookup` keyed by the embodiment, its
// decisions read back from the SQLite file.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_support.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

// policies/probe_policy.h, family=dualarm, operation for operation in float64.
const char kDualarmProbeTwin[] = R"(
def mean_intensity(self, image: Tensor) -> float:
    total = int(image.sum())
    return float(total) / float(image.numel()) / 255.0

def act(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor:
    m_head = self.mean_intensity(images["head"])
    m_left = self.mean_intensity(images["left_wrist"])
    m_right = self.mean_intensity(images["right_wrist"])
    q = state["joint_pos"]
    s = [0.0 for _ in range(14)]
    s[0] = m_head - 0.5
    s[1] = 0.1 * float(len(instruction) % 5) - 0.2
    s[2] = m_left - 0.5
    s[7] = 0.5 - m_head
    s[9] = m_right - 0.5
    out = torch.zeros([self.chunk, 14], dtype=q.dtype)
    for k in range(self.chunk):
        f = float(self.chunk - k) / float(self.chunk)
        for j in range(14):
            out[k][j].fill_(float(q[j]) + (0.05 * f) * s[j])
        out[k][6].fill_(1.0 if float(q[6]) > 0.5 else 0.0)
        out[k][13].fill_(1.0 if float(q[13]) > 0.5 else 0.0)
    return out

def metadata(self) -> Dict[str, str]:
    return {"policy": "dual-arm probe twin", "chunk": str(self.chunk), "action_kind": "dual_joint_pos",
            "action_dim": "14", "action_low": "", "action_high": "", "gripper": "1open/0close",
            "rotation": "none", "cameras": "head,left_wrist,right_wrist", "state_keys": "joint_pos"}
)";

// A merged family's member: holds the arms where they are measured, nudged
// by its own head (8 -> 14), so each expert moves the arms its own way.
const char kHolderCode[] = R"(
def act(self, images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor:
    q = state["joint_pos"]
    nudge = torch.tanh(torch.mv(self.head.weight, torch.mv(self.trunk.weight, torch.ones([8]))))
    return q + 0.01 * nudge.to(q.dtype)

def metadata(self) -> Dict[str, str]:
    return {"action_kind": "dual_joint_pos", "action_dim": "14", "action_low": "", "action_high": "",
            "gripper": "1open/0close", "rotation": "none", "cameras": "", "state_keys": "joint_pos"}
)";

torch::jit::Module Leaf(const std::string& type, const at::Tensor& weight) {
  torch::jit::Module leaf(type);
  leaf.register_parameter("weight", weight, /*is_buffer=*/false);
  return leaf;
}

std::string SaveHolder(const std::string& path, const at::Tensor& trunk, const at::Tensor& head) {
  torch::jit::Module net("Holder");
  net.register_module("trunk", Leaf("Trunk", trunk));
  net.register_module("head", Leaf("Head", head));
  net.define(kHolderCode);
  net.save(path);
  return path;
}

std::string SettingSuite(const char* setting) {
  return testing::SourceDir() + "/suites/mergevla_robotwin_" + setting + ".yaml";
}

// Every stored episode of the file, in suite order.
nlohmann::json StoredEpisodes(const std::string& db) {
  return QueryJson(db,
               "SELECT e.suite, e.task, e.embodiment, e.status, e.steps, e.state_hash, hex(e.actions) AS actions "
               "FROM episodes e ORDER BY e.suite, e.task, e.init_state");
}

TEST(DualarmTorch, TheProbesTwinStoresTheProbesEpisodesOnThreeEmbodiments) {
  const std::string dir = testing::TempDir("dualarm-torch");
  torch::jit::Module twin("DualarmProbeTwin");
  twin.register_attribute("chunk", c10::IntType::get(), int64_t{4});
  twin.define(kDualarmProbeTwin);
  twin.save(dir + "/twin.pt");
  const std::string run = "run " + SettingSuite("a") + " --trials 1 --image-size 32 --replan-steps 4 --quiet";
  const Ran probe = Gauntlet(run + " --policy probe --policy-opt family=dualarm --db " + dir + "/probe.db");
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  const Ran torch = Gauntlet(run + " --policy torchscript:" + dir + "/twin.pt --db " + dir + "/twin.db");
  ASSERT_EQ(torch.exit_code, 0) << torch.err;

  const nlohmann::json expected = StoredEpisodes(dir + "/probe.db");
  ASSERT_EQ(expected.size(), 3u);
  std::vector<std::string> embodiments;
  for (const auto& e : expected) {
    embodiments.push_back(e["embodiment"]);
    EXPECT_EQ(e["status"], "failure");
    EXPECT_EQ(e["actions"].get<std::string>().size(), 2u * 400 * 14 * 8) << e["embodiment"];
  }
  EXPECT_EQ(embodiments, (std::vector<std::string>{"aloha", "arx5", "piper"}));
  EXPECT_EQ(StoredEpisodes(dir + "/twin.db"), expected);
}

TEST(DualarmTorch, AMergedModelRoutedByEmbodimentRunsSettingB) {
  const std::string dir = testing::TempDir("dualarm-merged");
  const std::vector<std::string> tasks = {"place_container_plate", "handover_block", "open_microwave"};
  at::Generator generator = at::detail::createCPUGenerator(5);
  const at::Tensor trunk = at::randn({8, 8}, generator);
  const std::string base = SaveHolder(dir + "/base.pt", trunk, at::zeros({14, 8}));
  std::string experts, labels;
  for (size_t m = 0; m < tasks.size(); ++m) {
    const std::string path = SaveHolder(dir + "/expert" + std::to_string(m) + ".pt",
                                        trunk + 0.1 * at::randn({8, 8}, generator), at::randn({14, 8}, generator));
    experts += (m ? "," : "") + path;
    labels += (m ? "," : "") + tasks[m];
  }
  const std::string artifact = dir + "/setting_b.gmerge";
  const Ran merged = Gauntlet("merge --method task_arithmetic --base " + base + " --experts " + experts + " --tasks " +
                              labels + " --heads head.weight --out " + artifact);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;

  const std::string db = dir + "/r.db";
  const std::string run = "run " + SettingSuite("b") + " --trials 1 --quiet --db " + db + " --policy merged:" +
                          artifact + " --policy-opt route=router:lookup --policy-opt lookup_key=embodiment";
  const Ran ran = Gauntlet(run + " --policy-opt lookup=aloha:place_container_plate,arx5:handover_block,"
                                 "piper:open_microwave");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  // One decision per episode and candidate; the chosen one is the task the
  // suite runs on that embodiment.
  const nlohmann::json decisions = QueryJson(
      db, "SELECT e.embodiment, e.task, d.candidate, d.true_task FROM router_decisions d "
          "JOIN episodes e USING (run_id, suite, task, variant, init_state, seed) WHERE d.chosen = 1 ORDER BY e.suite");
  ASSERT_EQ(decisions.size(), 3u) << decisions.dump();
  for (const auto& d : decisions) {
    EXPECT_EQ(d["candidate"], d["task"]) << d.dump();
    EXPECT_EQ(d["true_task"], d["task"]) << d.dump();
  }
  EXPECT_EQ(QueryJson(db, "SELECT count(*) AS n FROM router_decisions")[0]["n"], 9);
  EXPECT_EQ(QueryJson(db, "SELECT count(*) AS n FROM episodes WHERE status = 'failure'")[0]["n"], 3);

  // A table that sends every embodiment to another expert is followed too:
  // the decisions then disagree with the true task.
  const Ran rotated = Gauntlet(run + " --run-name rotated --policy-opt lookup=aloha:handover_block,"
                                     "arx5:open_microwave,piper:place_container_plate");
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_EQ(QueryJson(db, "SELECT count(*) AS n FROM router_decisions d JOIN runs r USING (run_id) WHERE r.name LIKE "
                          "'rotated%' AND d.chosen = 1 AND d.candidate <> d.true_task")[0]["n"],
            3);
}

}  // namespace
}  // namespace gauntlet
