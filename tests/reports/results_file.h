// A real results file for table tests, written through ResultsStore the way
// runs write it: runs with their policy and configuration, episodes, and
// events (router decisions, subtasks) with exactly the store's payloads.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "results/results_store.h"
#include "tests/test_support.h"

namespace gauntlet::testing {

class ResultsFile {
 public:
  explicit ResultsFile(const std::string& prefix)
      : path_((std::filesystem::path(TempDir(prefix)) / "results.db").string()),
        store_(results::ResultsStore::Open(path_).value()) {}

  const std::string& path() const { return path_; }

  // Begins run `name` of `policy` (kind "oracle" unless given) on `suite`;
  // `config` is merged into the run's configuration.
  results::RunHandle Begin(const std::string& name, const std::string& suite, const results::PolicyRecord& policy,
                           nlohmann::json config = nlohmann::json::object()) {
    results::RunRecord run;
    run.name = name;
    run.suite = suite;
    config["run"] = name;  // every run its own configuration
    run.config_json = config.dump();
    run.git_sha = "0123abcd";
    run.render_backend = "egl";
    auto handle = store_->BeginRun(run, policy);
    EXPECT_TRUE(handle.ok()) << handle.error().message;
    return handle.value();
  }

  // A policy record of `kind` with `metadata`.
  static results::PolicyRecord Policy(const std::string& name, const std::string& kind = "oracle",
                                      const nlohmann::json& metadata = nlohmann::json::object()) {
    results::PolicyRecord p;
    p.name = name;
    p.kind = kind;
    p.metadata_json = metadata.dump();
    return p;
  }

  static EpisodeOutcome Outcome(const std::string& suite, const std::string& task, int init_state, bool success,
                                std::uint64_t seed = 7, const std::string& variant = "default") {
    EpisodeOutcome o;
    o.key = EpisodeKey{suite, task, variant, init_state, seed};
    o.status = success ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure;
    return o;
  }

  void Write(const results::RunHandle& run, const std::vector<EpisodeOutcome>& outcomes) {
    Status s = store_->WriteEpisodes(run, outcomes);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  void Write(const results::RunHandle& run, const std::vector<std::pair<EpisodeKey, Event>>& events) {
    Status s = store_->WriteEvents(run, events);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // `episodes` episodes of `suite` over tasks task_a and task_b, init states
  // 0, 1, ...; the first `successes` succeed.
  void Run(const std::string& name, const std::string& suite, const results::PolicyRecord& policy, int successes,
           int episodes, const nlohmann::json& config = nlohmann::json::object()) {
    const results::RunHandle run = Begin(name, suite, policy, config);
    std::vector<EpisodeOutcome> outcomes;
    for (int i = 0; i < episodes; ++i) outcomes.push_back(Outcome(suite, i % 2 ? "task_b" : "task_a", i, i < successes));
    Write(run, outcomes);
  }

 private:
  std::string path_;
  std::unique_ptr<results::ResultsStore> store_;
};

}  // namespace gauntlet::testing
