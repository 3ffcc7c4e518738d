#include "results/results_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "results/schema.h"
#include "results/sqlite_handle.h"
#include "tests/test_support.h"

namespace gauntlet::results {
namespace {

const char* kConfig = R"({"protocol": {"max_steps": 220}, "policy": {"kind": "oracle"}})";

class ResultsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("results_store")) / "results.db").string();
    store_ = Open();
  }

  std::unique_ptr<ResultsStore> Open() {
    Result<std::unique_ptr<ResultsStore>> store = ResultsStore::Open(path_);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return std::move(store).value();
  }

  // The first column of the first row of `sql`, read through a separate
  // connection so that only committed data is seen.
  std::string Query(const std::string& sql) const {
    Result<Database> db = Database::Open(path_, Database::Access::kReadOnly);
    EXPECT_TRUE(db.ok()) << db.error().message;
    Result<Statement> statement = db.value().Prepare(sql);
    EXPECT_TRUE(statement.ok()) << statement.error().message;
    Result<bool> row = statement.value().Step();
    EXPECT_TRUE(row.ok() && row.value()) << sql;
    return statement.value().ColumnText(0);
  }

  RunHandle Begin(const std::string& name, const std::string& config = kConfig) {
    Result<RunHandle> run = store_->BeginRun(Run(name, config), Policy());
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.value();
  }

  static RunRecord Run(const std::string& name, const std::string& config) {
    RunRecord run;
    run.name = name;
    run.suite = "libero_spatial";
    run.config_json = config;
    run.execution_json = R"({"workers": 2})";
    run.git_sha = "0123abcd";
    run.render_backend = "egl";
    run.planned_episodes = 4;
    return run;
  }

  static PolicyRecord Policy() {
    PolicyRecord p;
    p.name = p.kind = "oracle";
    p.settings_json = R"({"noise": 0})";
    return p;
  }

  static EpisodeKey Key(const std::string& task, std::uint64_t seed) {
    return EpisodeKey{"libero_spatial", task, "default", 0, seed};
  }

  static EpisodeOutcome Outcome(const EpisodeKey& key, EpisodeStatus status) {
    EpisodeOutcome outcome;
    outcome.key = key;
    outcome.status = status;
    outcome.steps = 120;
    outcome.termination = status == EpisodeStatus::kSuccess ? "goal" : "max_steps";
    return outcome;
  }

  std::string path_;
  std::unique_ptr<ResultsStore> store_;
};

TEST_F(ResultsStoreTest, OpenSetsSchemaVersionAndWalMode) {
  EXPECT_GE(SchemaVersion(), 1);
  EXPECT_EQ(Query("PRAGMA user_version"), std::to_string(SchemaVersion()));
  EXPECT_EQ(Query("PRAGMA journal_mode"), "wal");
}

TEST_F(ResultsStoreTest, OpenErrorNamesThePath) {
  std::string missing = path_ + ".d/nested/results.db";
  Result<std::unique_ptr<ResultsStore>> store = ResultsStore::Open(missing);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find(missing), std::string::npos) << store.error().message;
}

TEST_F(ResultsStoreTest, NewRunIsRecordedAsRunning) {
  RunHandle run = Begin("baseline");
  EXPECT_GT(run.run_id, 0);
  EXPECT_GT(run.policy_id, 0);
  EXPECT_FALSE(run.resumed);
  EXPECT_EQ(Query("SELECT status FROM runs"), "running");
  EXPECT_EQ(Query("SELECT planned_episodes FROM runs"), "4");
  EXPECT_EQ(Query("SELECT length(config_hash) FROM runs"), "16");
  EXPECT_EQ(Query("SELECT count(*) FROM policies"), "1");
}

TEST_F(ResultsStoreTest, ResumeWithSameConfigListsFinishedEpisodes) {
  RunHandle first = Begin("baseline");
  // A seed above 2^63 must survive SQLite's signed integers.
  std::vector<EpisodeOutcome> outcomes = {Outcome(Key("a", 1), EpisodeStatus::kSuccess),
                                          Outcome(Key("b", ~0ull), EpisodeStatus::kError)};
  ASSERT_TRUE(store_->WriteEpisodes(first, outcomes).ok());
  ASSERT_TRUE(store_->FinishRun(first, /*completed=*/false).ok());
  EXPECT_EQ(Query("SELECT status FROM runs"), "interrupted");

  // Same configuration, written with other key order and spacing.
  RunHandle resumed =
      Begin("baseline", R"({"policy":{"kind":"oracle"},"protocol":{"max_steps":220}})");
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.run_id, first.run_id);
  EXPECT_EQ(resumed.policy_id, first.policy_id);
  EXPECT_EQ(Query("SELECT status || '/' || ifnull(finished_at, 'null') FROM runs"), "running/null");
  EXPECT_EQ(Query("SELECT count(*) FROM policies"), "1");

  Result<std::set<EpisodeKey>> finished = store_->FinishedEpisodes(resumed.run_id);
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  EXPECT_EQ(finished.value(), (std::set<EpisodeKey>{Key("a", 1), Key("b", ~0ull)}));
}

TEST_F(ResultsStoreTest, DifferentConfigIsRefusedNamingTheKeys) {
  Begin("x");
  Result<RunHandle> run = store_->BeginRun(
      Run("x", R"({"protocol": {"max_steps": 300}, "policy": {"kind": "noop"}, "video": true})"),
      Policy());
  ASSERT_FALSE(run.ok());
  const std::string& message = run.error().message;
  EXPECT_NE(message.find("run 'x' exists in " + path_ + " with a different configuration"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("protocol.max_steps: 220 -> 300"), std::string::npos) << message;
  EXPECT_NE(message.find(R"(policy.kind: "oracle" -> "noop")"), std::string::npos) << message;
  EXPECT_NE(message.find("video: (absent) -> true"), std::string::npos) << message;
  EXPECT_NE(message.find("Use another --run-name"), std::string::npos) << message;
  EXPECT_EQ(Query("SELECT config_json FROM runs"),
            R"({"policy":{"kind":"oracle"},"protocol":{"max_steps":220}})");
}

TEST_F(ResultsStoreTest, InvalidConfigIsRefused) {
  Result<RunHandle> run = store_->BeginRun(Run("x", "[1, 2]"), Policy());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("not a JSON object"), std::string::npos);
  EXPECT_EQ(Query("SELECT count(*) FROM runs"), "0");
}

TEST_F(ResultsStoreTest, DuplicateEpisodeIsRefusedAndItsBatchRolledBack) {
  RunHandle run = Begin("baseline");
  ASSERT_TRUE(store_->WriteEpisodes(run, {Outcome(Key("a", 1), EpisodeStatus::kSuccess)}).ok());

  Status s = store_->WriteEpisodes(run, {Outcome(Key("b", 2), EpisodeStatus::kFailure),
                                         Outcome(Key("a", 1), EpisodeStatus::kFailure)});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(Key("a", 1).ToString()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(path_), std::string::npos) << s.message();

  Result<std::set<EpisodeKey>> finished = store_->FinishedEpisodes(run.run_id);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished.value(), std::set<EpisodeKey>{Key("a", 1)});
  EXPECT_EQ(Query("SELECT status FROM episodes"), "success");
}

TEST_F(ResultsStoreTest, SuccessColumnFollowsStatus) {
  RunHandle run = Begin("baseline");
  ASSERT_TRUE(store_
                  ->WriteEpisodes(run, {Outcome(Key("a", 1), EpisodeStatus::kSuccess),
                                        Outcome(Key("a", 2), EpisodeStatus::kFailure),
                                        Outcome(Key("a", 3), EpisodeStatus::kError),
                                        Outcome(Key("a", 4), EpisodeStatus::kTimeout)})
                  .ok());
  EXPECT_EQ(Query("SELECT group_concat(status || '=' || success, ',') FROM "
                  "(SELECT status, success FROM episodes ORDER BY seed)"),
            "success=1,failure=0,error=0,timeout=0");
}

TEST_F(ResultsStoreTest, EventsAreRoutedByKind) {
  RunHandle run = Begin("baseline");
  EpisodeKey key = Key("a", 1);
  key.variant = "light_dim";
  ASSERT_TRUE(store_->WriteEpisodes(run, {Outcome(key, EpisodeStatus::kSuccess)}).ok());
  std::vector<std::pair<EpisodeKey, Event>> events = {
      {key, RouterDecision{0, "a", 2.5, 0.8, true, "a"}},
      {key, RouterDecision{0, "b", 1.0, std::nullopt, false, "a"}},
      {key, SubtaskResult{0, "open_drawer", "open the drawer", true, 40, 0}},
      {key, PerturbationApplied{"lighting", 2, R"({"scale":0.5})"}},
      {key, PerturbationApplied{"lighting", 2, R"({"scale":0.5})"}},  // the same variant again: one row
      {key, NoteEvent{"timing", 7, R"({"act_ms": 12})"}},
  };
  Status s = store_->WriteEvents(run, events);
  ASSERT_TRUE(s.ok()) << s.message();

  EXPECT_EQ(Query("SELECT count(*) FROM router_decisions"), "2");
  EXPECT_EQ(Query("SELECT candidate || ' ' || probability || ' ' || true_task "
                  "FROM router_decisions WHERE chosen = 1"),
            "a 0.8 a");
  EXPECT_EQ(Query("SELECT count(*) FROM router_decisions WHERE probability IS NULL"), "1");
  EXPECT_EQ(Query("SELECT subtask || ' ' || success || ' ' || steps || ' ' || variant "
                  "FROM subtasks"),
            "open_drawer 1 40 light_dim");
  EXPECT_EQ(Query("SELECT count(*) FROM perturbations"), "1");
  EXPECT_EQ(Query("SELECT dimension || ' ' || level || ' ' || params_json FROM perturbations "
                  "WHERE variant = 'light_dim'"),
            R"(lighting 2 {"scale":0.5})");
  EXPECT_EQ(Query("SELECT kind || ' ' || step || ' ' || payload_json FROM events"),
            R"(timing 7 {"act_ms": 12})");
}

// Every typed field reaches its column, and every row names its episode.
TEST_F(ResultsStoreTest, TypedEventsRoundTripToTheirTables) {
  RunHandle run = Begin("baseline");
  EpisodeOutcome first = Outcome(Key("a", 1), EpisodeStatus::kSuccess);
  EpisodeOutcome second = Outcome(Key("a", 2), EpisodeStatus::kFailure);
  second.events = {
      RouterDecision{3, "pick", 0.25, 0.75, true, std::nullopt},
      RouterDecision{3, "place", std::nullopt, std::nullopt, false, "place"},
      SubtaskResult{0, "open_drawer", "open the drawer", true, 40, 0},
      SubtaskResult{1, "push_block", "push the block left", false, 60, 40},
      PolicyTiming{99, 3, 10.5, 10, 12, 13, 2, 4.5, 5, 1, true},
      PolicyTiming{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false},
      NoteEvent{"policy_error", 100, R"({"on_event": "boom"})"},
  };
  ASSERT_TRUE(store_->WriteEpisodes(run, {first, second}).ok());
  const std::string id = Query("SELECT episode_id FROM episodes WHERE seed = 2");
  EXPECT_NE(id, Query("SELECT episode_id FROM episodes WHERE seed = 1"));

  EXPECT_EQ(Query("SELECT group_concat(row, '; ') FROM (SELECT episode_id || ' ' || step || ' ' || candidate || ' ' "
                  "|| coalesce(score, 'null') || ' ' || coalesce(probability, 'null') || ' ' || chosen || ' ' || "
                  "coalesce(true_task, 'null') AS row FROM router_decisions ORDER BY candidate)"),
            id + " 3 pick 0.25 0.75 1 null; " + id + " 3 place null null 0 place");
  EXPECT_EQ(Query("SELECT group_concat(row, '; ') FROM (SELECT episode_id || ' ' || step || ' ' || position || ' ' "
                  "|| subtask || ' ' || instruction || ' ' || success || ' ' || steps AS row FROM subtasks "
                  "ORDER BY position)"),
            id + " 0 0 open_drawer open the drawer 1 40; " + id + " 40 1 push_block push the block left 0 60");
  EXPECT_EQ(Query("SELECT group_concat(row, '; ') FROM (SELECT episode_id || ' ' || kind || ' ' || step || ' ' || "
                  "payload_json AS row FROM events ORDER BY rowid)"),
            id + R"( policy_timing 99 {"client_ms":{"max":13.0,"mean":10.5,"p50":10.0,"p95":12.0},"extended":true,)"
                 R"("reconnects":1,"requests":3,"server_infer_ms":{"max":5.0,"mean":4.5,"requests":2}}; )" +
                id + R"( policy_timing 0 {"client_ms":null,"extended":false,"reconnects":0,"requests":0,)"
                     R"("server_infer_ms":null}; )" +
                id + R"( policy_error 100 {"on_event": "boom"})");
  EXPECT_EQ(Query("SELECT count(*) FROM subtasks s JOIN episodes e USING (episode_id) "
                  "WHERE e.run_id = s.run_id AND e.seed = s.seed AND e.task = s.task"),
            "2");
}

TEST_F(ResultsStoreTest, EventOfAnUnrecordedEpisodeRollsBackItsBatch) {
  RunHandle run = Begin("baseline");
  ASSERT_TRUE(store_->WriteEpisodes(run, {Outcome(Key("a", 1), EpisodeStatus::kSuccess)}).ok());
  Status s = store_->WriteEvents(run, {{Key("a", 1), NoteEvent{"timing", 0, "{}"}},
                                       {Key("a", 2), SubtaskResult{0, "x", "do x", true, 3, 0}}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'subtask' event at step 0 of " + Key("a", 2).ToString() +
                             ": the episode is not recorded"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(Query("SELECT count(*) FROM events"), "0");
}

TEST_F(ResultsStoreTest, VariantCannotChangeItsPerturbation) {
  RunHandle run = Begin("baseline");
  EpisodeKey key = Key("a", 1);
  key.variant = "light_dim";
  ASSERT_TRUE(store_->WriteEpisodes(run, {Outcome(key, EpisodeStatus::kSuccess)}).ok());
  ASSERT_TRUE(store_->WriteEvents(run, {{key, PerturbationApplied{"lighting", 2, R"({"scale":0.5})"}}}).ok());
  Status s = store_->WriteEvents(run, {{key, PerturbationApplied{"lighting", 3, R"({"scale":0.25})"}}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("variant 'light_dim'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(R"({"dimension":"lighting","level":3,"params":{"scale":0.25}})"), std::string::npos)
      << s.message();
  EXPECT_EQ(Query("SELECT level FROM perturbations"), "2");
}

TEST_F(ResultsStoreTest, TwoRunsLiveSideBySide) {
  RunHandle a = Begin("a");
  RunHandle b = Begin("b", R"({"protocol": {"max_steps": 300}})");
  EXPECT_NE(a.run_id, b.run_id);
  // The same episode key belongs to each run once.
  ASSERT_TRUE(store_->WriteEpisodes(a, {Outcome(Key("t", 1), EpisodeStatus::kSuccess)}).ok());
  ASSERT_TRUE(store_->WriteEpisodes(b, {Outcome(Key("t", 1), EpisodeStatus::kFailure),
                                        Outcome(Key("t", 2), EpisodeStatus::kFailure)})
                  .ok());
  ASSERT_TRUE(store_->FinishRun(a, /*completed=*/true).ok());

  EXPECT_EQ(store_->FinishedEpisodes(a.run_id).value().size(), 1u);
  EXPECT_EQ(store_->FinishedEpisodes(b.run_id).value().size(), 2u);
  EXPECT_EQ(Query("SELECT group_concat(name || ':' || status, ',') FROM "
                  "(SELECT name, status FROM runs ORDER BY name)"),
            "a:completed,b:running");
}

TEST_F(ResultsStoreTest, ReopenedFileKeepsEverything) {
  RunHandle run = Begin("baseline");
  ASSERT_TRUE(store_->WriteEpisodes(run, {Outcome(Key("a", 1), EpisodeStatus::kSuccess)}).ok());
  store_.reset();

  store_ = Open();
  RunHandle resumed = Begin("baseline");
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.run_id, run.run_id);
  EXPECT_EQ(store_->FinishedEpisodes(resumed.run_id).value(), std::set<EpisodeKey>{Key("a", 1)});
  EXPECT_EQ(Query("PRAGMA user_version"), std::to_string(SchemaVersion()));
}

}  // namespace
}  // namespace gauntlet::results
