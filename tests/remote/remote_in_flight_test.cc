// The remote policy with episodes in flight, against the real test server
// (tests/remote/policy_server.py) on real worlds: one instance serves the
// run over a pool of connections; plain servers get one observation per
// request, servers that offer gauntlet_batch one request per batch. Outcomes
// equal the in-process probe's whatever E, B and W; episodes stay
// attributable on pooled connections; one item's failure is its query's
// alone; a server that dies fails only the queries it held.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/scheduler.h"
#include "policies/probe_policy.h"
#include "policies/remote/remote_policy.h"
#include "tests/harness/schedule_fixture.h"
#include "tests/remote/gauntlet_cli.h"
#include "tests/remote/policy_server_process.h"
#include "tests/remote/sample_observation.h"

namespace gauntlet {
namespace {

using testing::PolicyServerProcess;
using testing::SampleObservation;

using testing::Outcomes;
using testing::RunAll;

// Two tasks of LIBERO-Spatial, `per_task` initial states each.
std::vector<WorkItem> Items(const SuiteSpec& suite, int per_task, int max_steps) {
  return testing::SpatialWork(suite, {0, 3}, per_task, max_steps);
}

ScheduleOptions Options(int workers, int in_flight, int batch_size) {
  ScheduleOptions options;
  options.render = true;
  options.workers = workers;
  options.in_flight = in_flight;
  options.batch.batch_size = batch_size;
  options.runner.replan_steps = 3;
  return options;
}

// The probe in process, told what the server's probe is: chunks of 4, the
// run's 128x128 upright images.
PolicyFactory Probe() {
  return [] { return policies::ProbePolicy::Create(policies::PolicyOptions::Parse({"chunk=4"}).value()); };
}

PolicyFactory Remote(const std::string& url, std::vector<std::string> extra = {}) {
  return [url, extra] {
    std::vector<std::string> opts = {"chunk=4", "image_size=128", "orientation=upright"};
    opts.insert(opts.end(), extra.begin(), extra.end());
    return policies::MakeRemotePolicy(url, policies::PolicyOptions::Parse(opts).value());
  };
}

const PolicyTiming* TimingOf(const EpisodeOutcome& o) {
  const PolicyTiming* timing = nullptr;
  for (const Event& e : o.events) {
    if (auto* t = std::get_if<PolicyTiming>(&e)) timing = t;
  }
  return timing;
}

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(RemoteInFlight, OutcomesEqualTheProbesWhateverEpisodesInFlightBatchSizeAndWorkers) {
  const SuiteSpec suite = testing::SpatialSuite();
  // Eight episodes: E = 16 runs all of them at once (the CI budget keeps it
  // at that; the in-process test covers the scheduler's side).
  const std::vector<WorkItem> work = Items(suite, 4, 24);
  const Outcomes reference = RunAll(suite, work, Probe(), Options(1, 1, 1));
  ASSERT_EQ(reference.size(), 8u);
  for (const auto& [key, o] : reference) {
    EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;
    EXPECT_EQ(o.steps, 24);
  }
  struct Server {
    const char* name;
    std::vector<std::string> args;
  };
  for (const Server& kind : {Server{"plain", {}}, Server{"batched", {"--batch", "16", "--protocol", "2"}}}) {
    PolicyServerProcess server(kind.args);
    ASSERT_TRUE(server.started()) << server.log();
    for (int workers : {1, 2}) {
      for (auto [in_flight, batch] : {std::pair{1, 1}, {8, 4}, {16, 16}}) {
        const std::string what = std::string(kind.name) + " W=" + std::to_string(workers) +
                                 " E=" + std::to_string(in_flight) + " B=" + std::to_string(batch);
        const Outcomes outcomes = RunAll(suite, work, Remote(server.url()), Options(workers, in_flight, batch));
        ASSERT_EQ(outcomes.size(), reference.size()) << what;
        for (const auto& [key, e] : reference) {
          const EpisodeOutcome& a = outcomes.at(key);
          EXPECT_EQ(e.status, a.status) << what << " " << e.key.ToString() << ": " << a.termination;
          EXPECT_EQ(e.steps, a.steps) << what << " " << e.key.ToString();
          EXPECT_EQ(e.state_hash, a.state_hash) << what << " " << e.key.ToString();
          EXPECT_EQ(e.actions, a.actions) << what << " " << e.key.ToString();
          const PolicyTiming* timing = TimingOf(a);
          ASSERT_NE(timing, nullptr) << what;
          EXPECT_EQ(timing->requests, 8) << what;  // 24 steps, replanning every 3
          EXPECT_EQ(timing->extended, kind.args.size() > 0) << what;
          // A plain server answers one observation per request: batches of 1.
          if (kind.args.empty()) {
            EXPECT_EQ(timing->batch_size_max, 1) << what;
          }
          EXPECT_LE(timing->batch_size_max, batch) << what;
        }
      }
    }
  }
}

// (b) A pool of C connections: never more open, the requests spread over
// them, and with version 2 every episode's messages and observations are
// told apart by its id whatever connection carried them.
TEST(RemoteInFlight, ConcurrencyOpensAtMostCConnectionsAndEpisodesStayAttributable) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 4, 24);
  const std::string dir = testing::TempDir("remote-pool");
  PolicyServerProcess server({"--protocol", "2", "--latency-ms", "30", "--record", dir + "/episodes.jsonl",
                              "--requests", dir + "/requests.jsonl"});
  ASSERT_TRUE(server.started()) << server.log();
  const Outcomes outcomes = RunAll(suite, work, Remote(server.url(), {"concurrency=3"}), Options(2, 8, 1));
  ASSERT_EQ(outcomes.size(), 8u);
  for (const auto& [key, o] : outcomes) EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;

  const auto requests = ReadLines(dir + "/requests.jsonl");
  ASSERT_EQ(requests.size(), 8u * 8u) << server.log();
  std::set<int> connections;
  std::map<std::string, int> per_episode;
  for (const auto& r : requests) {
    EXPECT_EQ(r["size"], 1) << r;  // a plain server (no gauntlet_batch): one observation per request
    connections.insert(r["connection"].get<int>());
    ASSERT_TRUE(r["episode_ids"][0].is_string()) << r;
    ++per_episode[r["episode_ids"][0].get<std::string>()];
  }
  // The pool's first connection read the metadata; no more than 3 were ever made.
  EXPECT_LE(*connections.rbegin(), 3) << "connections used: " << connections.size();
  EXPECT_GT(connections.size(), 1u) << "8 episodes in flight, 30 ms per request, yet one connection";
  EXPECT_EQ(per_episode.size(), 8u);
  for (const auto& [id, n] : per_episode) EXPECT_EQ(n, 8) << id;

  // Framing: one start and one end per episode id, the end counting what the
  // server saw under that id, wherever it went.
  std::map<std::string, std::vector<nlohmann::json>> framing;
  for (const auto& line : ReadLines(dir + "/episodes.jsonl")) {
    EXPECT_EQ(line["protocol"], 2);
    framing[line["episode_id"].get<std::string>()].push_back(line);
  }
  ASSERT_EQ(framing.size(), 8u);
  std::set<std::pair<std::string, int>> episodes;
  for (const auto& [id, lines] : framing) {
    EXPECT_EQ(per_episode.count(id), 1u) << id;
    ASSERT_EQ(lines.size(), 2u) << id;
    EXPECT_EQ(lines[0]["type"], "episode_start") << id;
    EXPECT_EQ(lines[1]["type"], "episode_end") << id;
    EXPECT_EQ(lines[0]["episode"], lines[1]["episode"]) << id;
    EXPECT_EQ(lines[1]["requests"], 8) << id;
    EXPECT_EQ(lines[1]["observed"], 8) << id;
    episodes.insert({lines[0]["episode"]["instruction"].get<std::string>(), lines[0]["episode"]["init_state"].get<int>()});
  }
  EXPECT_EQ(episodes.size(), 8u) << "each id names its own episode";
}

// (c) A server that takes batches gets several observations per request:
// while it thinks (30 ms), the other episodes' queries gather for the next.
TEST(RemoteInFlight, BatchedRequestsCarrySeveralObservations) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 4, 24);
  const std::string dir = testing::TempDir("remote-batch");
  PolicyServerProcess server({"--batch", "8", "--latency-ms", "30", "--requests", dir + "/requests.jsonl"});
  ASSERT_TRUE(server.started()) << server.log();
  const Outcomes outcomes = RunAll(suite, work, Remote(server.url()), Options(1, 8, 8));
  ASSERT_EQ(outcomes.size(), 8u);
  int observations = 0, largest = 0;
  std::set<std::string> ids;
  for (const auto& r : ReadLines(dir + "/requests.jsonl")) {
    const int size = r["size"].get<int>();
    observations += size;
    largest = std::max(largest, size);
    EXPECT_LE(size, 8) << r;
    for (const auto& id : r["episode_ids"]) ids.insert(id.get<std::string>());
  }
  EXPECT_EQ(observations, 8 * 8);
  EXPECT_GT(largest, 1);
  EXPECT_EQ(ids.size(), 8u) << "each item names its episode";
  int batched_episodes = 0;
  for (const auto& [key, o] : outcomes) {
    EXPECT_EQ(o.status, EpisodeStatus::kFailure) << o.termination;
    const PolicyTiming* timing = TimingOf(o);
    ASSERT_NE(timing, nullptr);
    EXPECT_EQ(timing->requests, 8);
    if (timing->batch_size_max > 1) ++batched_episodes;
  }
  EXPECT_GT(batched_episodes, 0);
}

Observation QueryObservation(int seed) { return SampleObservation(16, seed); }

struct Recorder : EventSink {
  std::vector<Event> events;
  void Emit(const EpisodeKey&, const Event& event) override { events.push_back(event); }
};

EpisodeContext Context(int init_state) {
  EpisodeContext c;
  c.suite = "libero_spatial";
  c.instruction = "pick up the black bowl and place it on the plate";
  c.init_state = init_state;
  return c;
}

std::string What(const PolicyAnswer& answer) {
  try {
    if (answer.error) std::rethrow_exception(answer.error);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// One batch call of three sessions' queries.
std::vector<PolicyAnswer> AskThree(Policy& policy, std::vector<std::shared_ptr<PolicySession>>& sessions, int seed) {
  std::vector<PolicyQuery> queries;
  for (int i = 0; i < 3; ++i) {
    queries.push_back({sessions[i], std::make_shared<Observation>(QueryObservation(seed + i))});
  }
  return policy.act_batch(queries);
}

TEST(RemoteInFlight, OneItemsErrorIsItsQuerysAloneAndALostConnectionFailsTheCall) {
  // Observations are counted over the server's life: the first call holds
  // 1-3 (the 2nd spoilt), the second 4-6 (a bad shape at 5), the third 7-9
  // (the connection closes), the fourth 10-12 is clean on a new connection,
  // the fifth 13-15 gets no reply, the sixth 16-18 is clean again.
  PolicyServerProcess server({"--batch", "4", "--fault", "item_error_at=2", "--fault", "wrong_shape_at=5",
                              "--fault", "close_at=8", "--fault", "hang_at=14"});
  ASSERT_TRUE(server.started()) << server.log();
  auto made = policies::MakeRemotePolicy(server.url(),
                                         policies::PolicyOptions::Parse({"connect_retries=1", "timeout_s=1"}).value());
  ASSERT_TRUE(made.ok()) << made.error().message;
  Policy& policy = *made.value();
  EXPECT_TRUE(policy.batches());
  EXPECT_EQ(policy.max_batch(), 4);
  EXPECT_EQ(policy.concurrency(), 1);
  std::vector<std::shared_ptr<PolicySession>> sessions;
  for (int i = 0; i < 3; ++i) {
    sessions.push_back(policy.open_session());
    sessions.back()->reset(Context(i));
  }
  auto first = AskThree(policy, sessions, 0);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(What(first[0]), "");
  EXPECT_EQ(first[0].chunk.actions, policies::ProbeActions(QueryObservation(0), 4));
  EXPECT_NE(What(first[1]).find("request 1 (in a batch of 3): server error: injected item error at request 2"),
            std::string::npos) << What(first[1]);
  EXPECT_EQ(first[2].chunk.actions, policies::ProbeActions(QueryObservation(2), 4));

  auto second = AskThree(policy, sessions, 10);
  EXPECT_EQ(What(second[0]), "");
  EXPECT_NE(What(second[1]).find("reply 'actions' has shape (4, 6); expected (4, 7)"), std::string::npos)
      << What(second[1]);
  EXPECT_EQ(second[2].chunk.actions, policies::ProbeActions(QueryObservation(12), 4));

  auto third = AskThree(policy, sessions, 20);
  for (const PolicyAnswer& answer : third) {
    EXPECT_NE(What(answer).find("the server closed the connection (code 1000: injected close)"), std::string::npos)
        << What(answer);
  }
  auto fourth = AskThree(policy, sessions, 30);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(fourth[i].chunk.actions, policies::ProbeActions(QueryObservation(30 + i), 4));
  auto fifth = AskThree(policy, sessions, 40);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(std::rethrow_exception(fifth[i].error), PolicyTimeout);
    const std::string request = "request " + std::to_string(i == 1 ? 2 : 4);
    EXPECT_NE(What(fifth[i]).find("no reply to " + request + " (in a batch of 3) within 1 s"), std::string::npos)
        << What(fifth[i]);
  }
  auto sixth = AskThree(policy, sessions, 50);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sixth[i].chunk.actions, policies::ProbeActions(QueryObservation(50 + i), 4));
  Recorder recorder;
  for (auto& session : sessions) session->on_event(recorder, EpisodeKey{});
  ASSERT_EQ(recorder.events.size(), 3u);
  // Session 0 was answered in every call but the third and fifth; each was
  // in the two calls that needed a new connection.
  EXPECT_EQ(std::get<PolicyTiming>(recorder.events[0]).requests, 4);
  EXPECT_EQ(std::get<PolicyTiming>(recorder.events[1]).requests, 2);
  for (const Event& e : recorder.events) EXPECT_EQ(std::get<PolicyTiming>(e).reconnects, 2);
  EXPECT_EQ(nlohmann::json::parse(policy.info().settings_json)["concurrency"], 1);
  EXPECT_EQ(nlohmann::json::parse(policy.info().settings_json)["batch"], "auto");
}

// (d) A server that dies mid-run: the queries it held end as errors naming
// the lost connection, the later ones cannot connect, and the run goes on
// to store every episode.
TEST(RemoteInFlight, AServerThatDiesFailsTheQueriesInFlightAndTheRunGoesOn) {
  const SuiteSpec suite = testing::SpatialSuite();
  const std::vector<WorkItem> work = Items(suite, 6, 24);
  // 12 episodes, 8 in flight, batches of up to 4: the server dies at the
  // 20th observation, while the first episodes are between their queries.
  PolicyServerProcess server({"--batch", "4", "--fault", "exit_at=20"});
  ASSERT_TRUE(server.started()) << server.log();
  const Outcomes outcomes = RunAll(suite, work, Remote(server.url(), {"connect_retries=0", "timeout_s=5"}),
                                   Options(1, 8, 4));
  ASSERT_EQ(outcomes.size(), 12u);
  int lost = 0, refused = 0;
  for (const auto& [key, o] : outcomes) {
    EXPECT_EQ(o.status, EpisodeStatus::kError) << o.termination;
    EXPECT_NE(o.termination.find("policy: "), std::string::npos) << o.termination;
    EXPECT_NE(o.termination.find("remote " + server.url() + ": "), std::string::npos) << o.termination;
    if (o.termination.find("the connection was lost") != std::string::npos) ++lost;
    if (o.termination.find("cannot connect (1 attempt") != std::string::npos) ++refused;
  }
  EXPECT_GE(lost, 1);
  EXPECT_LE(lost, 4) << "only the batch in the dead server's hands was lost";
  EXPECT_EQ(lost + refused, 12);
}

// The CLI: --in-flight and --batch-size reach the remote policy, which
// records its concurrency; the episodes equal the probe's, and no batch on
// the wire is larger than --batch-size.
TEST(RemoteInFlight, TheCliRunsEpisodesInFlightThroughABatchingServer) {
  const std::string dir = testing::TempDir("remote-cli-inflight");
  PolicyServerProcess server({"--chunk", "4", "--batch", "8", "--protocol", "2", "--requests",
                              dir + "/requests.jsonl"});
  ASSERT_TRUE(server.started()) << server.log();
  const std::string db = dir + "/r.db";
  const std::string common = "run libero_spatial --tasks 0 --replan-steps 4 --quiet --trials 4 --db " + db +
                             " --policy-opt chunk=4 --policy-opt image_size=128 --policy-opt orientation=upright";
  testing::Ran remote = testing::Gauntlet(common + " --run-name remote --policy remote:" + server.url() +
                                          " --policy-opt concurrency=2 --workers 2 --in-flight 4 --batch-size 2");
  ASSERT_EQ(remote.exit_code, 0) << remote.err << server.log();
  testing::Ran probe = testing::Gauntlet(common + " --run-name probe --policy probe --workers 1 --in-flight 1");
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  const auto a = testing::Episodes(db, "remote"), b = testing::Episodes(db, "probe");
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (const auto& [init, row] : a) {
    EXPECT_EQ(row.status, b.at(init).status) << row.termination;
    EXPECT_EQ(row.steps, b.at(init).steps) << init;
    EXPECT_EQ(row.state_hash, b.at(init).state_hash) << init;
    EXPECT_EQ(row.actions, b.at(init).actions) << init;
  }
  int largest = 0;
  for (const auto& r : ReadLines(dir + "/requests.jsonl")) largest = std::max(largest, r["size"].get<int>());
  EXPECT_GE(largest, 1);
  EXPECT_LE(largest, 2) << "--batch-size 2 caps the batches the server sees";
  const auto settings = testing::Query(db, "SELECT p.settings_json FROM policies p WHERE p.kind = 'remote'");
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(settings[0][0])["concurrency"], 2);
  const auto timing = testing::TimingEvents(db, "remote");
  ASSERT_EQ(timing.size(), 4u);
  for (const auto& [init, t] : timing) EXPECT_EQ(t["extended"], true) << t;
}

}  // namespace
}  // namespace gauntlet
