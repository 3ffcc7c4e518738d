// End-to-end: declared policy specs, settings and adapters on the command
// line, and what the run records of them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

std::string ProbeRun(const std::string& db, const std::string& extra) {
  return "run " + Suite() + " --tasks 0 --trials 1 --policy probe --quiet --db " + db + " " + extra;
}

TEST(PolicyCli, AnImageSizeMismatchIsRefusedBeforeAnythingIsStored) {
  const std::string db = testing::TempDir("pcli") + "/r.db";
  Ran r = Gauntlet(ProbeRun(db, "--policy-opt image_size=224"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("policy 'probe' (probe) expects 224x224 images but the run renders camera 'agentview' at 128x128"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--adapt resize_pad"), std::string::npos) << r.err;
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM runs"), "");  // no file, or no run in it
}

TEST(PolicyCli, TheResizeAdapterIsAppliedAndRecordedInTheRunAndThePolicyRow) {
  const std::string db = testing::TempDir("pcli") + "/r.db";
  Ran r = Gauntlet(ProbeRun(db, "--policy-opt image_size=224 --policy-opt chunk=4 --replan-steps 4 --adapt resize_pad"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(QueryText(db, "SELECT config_json FROM runs"));
  ASSERT_EQ(config["adapters"].size(), 1u) << config.dump();
  EXPECT_EQ(config["adapters"][0]["name"], "resize_pad");
  EXPECT_EQ(config["adapters"][0]["from"], "128x128");
  EXPECT_EQ(config["adapters"][0]["to"], "224x224");
  EXPECT_EQ(config["chunk"]["mode"], "replan_steps");
  EXPECT_EQ(config["chunk"]["replan_steps"], 4);
  EXPECT_EQ(config["policy"]["spec"]["needs"]["image_width"], 224);
  EXPECT_EQ(config["policy"]["settings"]["chunk"], 4);
  const auto adapters = nlohmann::json::parse(QueryText(db, "SELECT adapters_json FROM policies"));
  EXPECT_EQ(adapters, config["adapters"]);
  const auto spec = nlohmann::json::parse(QueryText(db, "SELECT spec_json FROM policies"));
  EXPECT_EQ(spec["action"]["chunk_length"], 4);
  EXPECT_EQ(QueryText(db, "SELECT kind FROM policies"), "probe");
  // Resized images reach the policy: its actions differ from a 128-pixel run.
  const std::string plain = testing::TempDir("pcli") + "/p.db";
  ASSERT_EQ(Gauntlet(ProbeRun(plain, "--policy-opt chunk=4 --replan-steps 4")).exit_code, 0);
  const auto resized = EpisodeActions(db, "libero_spatial-probe");
  const auto native = EpisodeActions(plain, "libero_spatial-probe");
  ASSERT_EQ(resized.size(), 1u);
  ASSERT_EQ(native.size(), 1u);
  EXPECT_NE(resized.begin()->second, native.begin()->second);
}

TEST(PolicyCli, RenderingAtThePolicysSizeNeedsNoAdapter) {
  const std::string db = testing::TempDir("pcli") + "/r.db";
  Ran r = Gauntlet(ProbeRun(db, "--policy-opt image_size=96 --image-size 96 --policy-opt chunk=8 --replan-steps 8"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(QueryText(db, "SELECT config_json FROM runs"));
  EXPECT_TRUE(config["adapters"].empty());
  EXPECT_EQ(config["observation"]["width"], 96);
}

TEST(PolicyCli, SettingsAndAdaptersThatDoNotApplyAreClearErrors) {
  const std::string db = testing::TempDir("pcli") + "/r.db";
  Ran typo = Gauntlet(ProbeRun(db, "--policy-opt chunks=4"));
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--policy-opt 'chunks': not a setting of probe policies (known: chunk, family, image_size, orientation)"),
            std::string::npos)
      << typo.err;
  Ran noop = Gauntlet(ProbeRun(db, "--adapt gripper"));
  EXPECT_EQ(noop.exit_code, 2);
  EXPECT_NE(noop.err.find("already uses the task's convention"), std::string::npos) << noop.err;
  Ran unknown = Gauntlet(ProbeRun(db, "--adapt gripper,mirror"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--adapt mirror: unknown adapter"), std::string::npos) << unknown.err;
  Ran chunk = Gauntlet(ProbeRun(db, "--policy-opt chunk=4 --replan-steps 8"));
  EXPECT_EQ(chunk.exit_code, 2);
  EXPECT_NE(chunk.err.find("--replan-steps 8 exceeds the 4 actions per chunk the policy declares"), std::string::npos)
      << chunk.err;
  Ran builtin = Gauntlet("run " + Suite() + " --tasks 0 --trials 1 --policy noop --policy-opt x=1 --db " + db);
  EXPECT_EQ(builtin.exit_code, 2);
  EXPECT_NE(builtin.err.find("the built-in policy 'noop' takes no settings"), std::string::npos) << builtin.err;
  Ran expert = Gauntlet("run " + Suite() + " --tasks 0 --trials 1 --policy oracle --policy-opt x=1 --db " + db);
  EXPECT_EQ(expert.exit_code, 2);
  EXPECT_NE(expert.err.find("--policy-opt 'x': not a setting of oracle policies (known: none)"), std::string::npos)
      << expert.err;
  Ran kind = Gauntlet("run " + Suite() + " --policy onnx:model.onnx --db " + db);
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_NE(kind.err.find("unknown kind 'onnx'"), std::string::npos) << kind.err;
}

TEST(PolicyCli, TheEnsembleModeAndItsDecayAreStoredWithTheRun) {
  const std::string db = testing::TempDir("pcli") + "/r.db";
  Ran r = Gauntlet(ProbeRun(db, "--chunk-mode ensemble --ensemble-decay 0.05"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(QueryText(db, "SELECT config_json FROM runs"));
  EXPECT_EQ(config["chunk"]["mode"], "ensemble");
  EXPECT_EQ(config["chunk"]["ensemble_decay"], 0.05);
  // Ensembling queries every step.
  EXPECT_EQ(QueryText(db, "SELECT policy_queries = steps FROM episodes"), "1");
}

}  // namespace
}  // namespace gauntlet
