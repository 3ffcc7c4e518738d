// RemotePolicy against the real test server (tests/remote/policy_server.py)
// over loopback: protocol, failures, extended mode, timing.
#include "policies/remote/remote_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "policies/probe_policy.h"
#include "tests/remote/policy_server_process.h"
#include "tests/remote/sample_observation.h"

namespace gauntlet::policies {
namespace {

using testing::PolicyServerProcess;
using testing::SampleObservation;

std::unique_ptr<Policy> MakeOrFail(const std::string& url, const std::vector<std::string>& opts) {
  auto options = PolicyOptions::Parse(opts);
  EXPECT_TRUE(options.ok());
  auto policy = MakeRemotePolicy(url, options.value());
  EXPECT_TRUE(policy.ok()) << policy.error().message;
  return policy.ok() ? std::move(policy).value() : nullptr;
}

// The message of the PolicyError act() throws on the sample observation ("" and a
// test failure when it throws none).
std::string ActError(Policy& policy) {
  try {
    policy.act(SampleObservation());
  } catch (const PolicyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "act() did not fail";
  return "";
}

EpisodeContext Context(int init_state) {
  EpisodeContext c;
  c.suite = "libero_spatial";
  c.instruction = "pick up the black bowl and place it on the plate";
  c.embodiment = "panda";
  c.init_state = init_state;
  c.seed = 0xfedcba9876543210ULL + init_state;
  return c;
}

struct Recorder : EventSink {
  std::vector<Event> events;
  void Emit(const EpisodeKey&, const Event& event) override { events.push_back(event); }
};

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(RemotePolicy, InfoComesFromTheOptionsAndTheServersMetadata) {
  PolicyServerProcess server({"--chunk", "4"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"chunk=4", "api_key=abc"});
  ASSERT_TRUE(policy);
  const PolicyInfo info = policy->info();
  EXPECT_EQ(info.kind, "remote");
  EXPECT_EQ(info.name, "remote");
  EXPECT_EQ(info.source, server.url());
  const auto metadata = nlohmann::json::parse(info.metadata_json);
  EXPECT_EQ(metadata["policy"], "probe");
  EXPECT_EQ(metadata["action_bounds"], nlohmann::json::parse(R"({"ndarray": {"dtype": "<f4", "shape": [2, 7]}})"));
  const auto settings = nlohmann::json::parse(info.settings_json);
  EXPECT_EQ(settings["preset"], "libero");
  EXPECT_EQ(settings["api_key"], "(set)");
  EXPECT_EQ(settings["timeout_s"], 30.0);
  EXPECT_EQ(settings["wire_keys"]["observation/state"], "state:eef_pos+eef_axis_angle+gripper_qpos");
  EXPECT_EQ(info.needs.cameras, (std::vector<std::string>{"agentview", "wrist"}));
  EXPECT_EQ(info.needs.image_width, 224);
  EXPECT_EQ(info.needs.orientation, ImageOrientation::kRotated180);
  EXPECT_EQ(info.action_spec.Describe(), "eef_delta[7] rotation=axis_angle gripper=-1open/+1close chunk=4")
      << "(the exact wording is ActionSpec::Describe's)";
  EXPECT_EQ(info.action_spec.chunk_length, 4);
  // What the server's metadata declares (chunk, action_dim) holds unless --policy-opt says otherwise.
  auto declared = MakeOrFail(server.url(), {});
  ASSERT_TRUE(declared);
  EXPECT_EQ(declared->info().action_spec.chunk_length, 4);
  EXPECT_EQ(nlohmann::json::parse(declared->info().settings_json)["chunk"], 4);
  auto overridden = MakeOrFail(server.url(), {"chunk=0"});
  ASSERT_TRUE(overridden);
  EXPECT_EQ(overridden->info().action_spec.chunk_length, 0);
  auto droid = MakeOrFail(server.url(), {"preset=droid", "image_size=0"});
  ASSERT_TRUE(droid);
  EXPECT_EQ(droid->info().needs.orientation, ImageOrientation::kUpright);
  EXPECT_EQ(droid->info().needs.image_width, 0);
  EXPECT_EQ(droid->info().needs.state_keys, (std::vector<std::string>{"joint_pos", "gripper_qpos"}));
}

TEST(RemotePolicy, BadSettingsAreRefusedBeforeConnecting) {
  const std::string url = "ws://127.0.0.1:" + std::to_string(testing::UnusedPort());
  auto make = [&](const std::vector<std::string>& opts) {
    return MakeRemotePolicy(url, PolicyOptions::Parse(opts).value());
  };
  EXPECT_NE(make({"preset=bridge"}).error().message.find("unknown preset 'bridge'"), std::string::npos);
  EXPECT_NE(make({"timout_s=3"}).error().message.find("'timout_s': not a setting of remote"), std::string::npos);
  EXPECT_NE(make({"extended=on"}).error().message.find("expected auto or off"), std::string::npos);
  EXPECT_NE(make({"orientation=sideways"}).error().message.find("(known: upright, rotated180)"), std::string::npos);
  EXPECT_NE(MakeRemotePolicy("wss://x:1", {}).error().message.find("TLS"), std::string::npos);
  EXPECT_NE(MakeRemotePolicy("http://x:1", {}).error().message.find("expected ws://HOST:PORT"), std::string::npos);
}

TEST(RemotePolicy, ActionsEqualTheProbesOnTheSameObservation) {
  PolicyServerProcess server({"--chunk", "5"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"chunk=5"});
  ASSERT_TRUE(policy);
  policy->reset(Context(0));
  for (int seed = 0; seed < 3; ++seed) {
    const Observation obs = SampleObservation(24, seed);
    const ActionChunk chunk = policy->act(obs);
    EXPECT_EQ(chunk.actions, ProbeActions(obs, 5)) << "seed " << seed;  // bit for bit
    EXPECT_TRUE(chunk.metadata.count("server_infer_ms"));
  }
}

TEST(RemotePolicy, ConnectionRefusedIsAnErrorNamingTheUrl) {
  const std::string url = "ws://127.0.0.1:" + std::to_string(testing::UnusedPort());
  auto policy = MakeRemotePolicy(url, PolicyOptions::Parse({"connect_retries=1"}).value());
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.error().message.find("remote " + url + ": cannot connect (2 attempts"), std::string::npos)
      << policy.error().message;
  EXPECT_NE(policy.error().message.find("refused"), std::string::npos) << policy.error().message;
}

TEST(RemotePolicy, TheApiKeyGoesInTheAuthorizationHeader) {
  PolicyServerProcess server({"--api-key", "s3cret"});
  ASSERT_TRUE(server.started()) << server.log();
  auto refused = MakeRemotePolicy(server.url(), PolicyOptions::Parse({"connect_retries=0"}).value());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("401"), std::string::npos) << refused.error().message;
  auto policy = MakeOrFail(server.url(), {"api_key=s3cret"});
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->info().settings_json.find("s3cret"), std::string::npos);
  policy->reset(Context(0));
  EXPECT_EQ(policy->act(SampleObservation()).actions.size(), 4u);
}

TEST(RemotePolicy, TheServerAnswersHealthChecks) {
  PolicyServerProcess server({});
  ASSERT_TRUE(server.started()) << server.log();
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval limit{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(server.port());
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[512];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, n);
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK", 0), 0u) << response;
  EXPECT_NE(response.find("\r\n\r\nOK"), std::string::npos) << response;
}

// One misbehaviour of the server at the second request of an episode.
struct Fault {
  const char* kind;
  const char* expected;  // in the error message
  bool timeout = false;
};

void PrintTo(const Fault& fault, std::ostream* out) { *out << fault.kind; }

class RemotePolicyFault : public ::testing::TestWithParam<Fault> {};

TEST_P(RemotePolicyFault, EndsTheRequestWithAReasonAndTheNextEpisodeWorks) {
  const Fault fault = GetParam();
  PolicyServerProcess server({"--fault", std::string(fault.kind) + "_at=2"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"timeout_s=1", "max_message_mb=1", "connect_retries=1"});
  ASSERT_TRUE(policy);
  policy->reset(Context(0));
  policy->act(SampleObservation(16, 0));
  try {
    policy->act(SampleObservation(16, 1));
    ADD_FAILURE() << fault.kind << ": no error";
  } catch (const PolicyTimeout& e) {
    EXPECT_TRUE(fault.timeout) << e.what();
    EXPECT_NE(std::string(e.what()).find(fault.expected), std::string::npos) << e.what();
  } catch (const PolicyError& e) {
    EXPECT_FALSE(fault.timeout) << e.what();
    EXPECT_NE(std::string(e.what()).find("remote " + server.url() + ": "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fault.expected), std::string::npos) << e.what();
  }
  Recorder recorder;
  policy->on_event(recorder, EpisodeKey{});
  // The next episode reconnects and gets the answer to its own observation.
  policy->reset(Context(1));
  const Observation next = SampleObservation(16, 2);
  EXPECT_EQ(policy->act(next).actions, ProbeActions(next, 4));
  policy->on_event(recorder, EpisodeKey{});
  ASSERT_EQ(recorder.events.size(), 2u);
  EXPECT_EQ(std::get<PolicyTiming>(recorder.events[1]).reconnects, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RemotePolicyFault,
    ::testing::Values(
        Fault{"text_error", "server error: Traceback (most recent call last):"},
        Fault{"close", "the server closed the connection (code 1000: injected close)"},
        Fault{"hang", "no reply to request 2 within 1 s; the connection was dropped", true},
        Fault{"slow", "no reply to request 2 within 1 s; the connection was dropped", true},
        Fault{"garbage", "request 2: reply: malformed msgpack"},
        // The test server declares chunk=4 in its metadata.
        Fault{"wrong_shape", "reply 'actions' has shape (4, 6); expected (4, 7)"},
        Fault{"wrong_dtype", "reply 'actions' has dtype <i8; expected float32 or float64"},
        Fault{"missing_actions", "the reply has no 'actions' (keys: action, server_timing)"},
        Fault{"oversize", "an incoming message exceeded max_message_mb (1 MB)"}),
    [](const ::testing::TestParamInfo<Fault>& info) { return std::string(info.param.kind); });

TEST(RemotePolicy, TheTracebacksExceptionLineIsKept) {
  PolicyServerProcess server({"--fault", "text_error_at=1"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {});
  ASSERT_TRUE(policy);
  policy->reset(Context(0));
  const std::string error = ActError(*policy);
  EXPECT_NE(error.find("RuntimeError: injected fault at request 1"), std::string::npos) << error;
}

TEST(RemotePolicy, ADeadServerMakesEveryLaterEpisodeAQuickError) {
  PolicyServerProcess server({"--fault", "exit_at=1"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"connect_retries=1"});
  ASSERT_TRUE(policy);
  policy->reset(Context(0));
  const std::string error = ActError(*policy);
  EXPECT_NE(error.find("request 1: the connection was lost"), std::string::npos) << error;
  for (int episode = 1; episode < 3; ++episode) {
    try {
      policy->reset(Context(episode));
      ADD_FAILURE() << "reset succeeded against a dead server";
    } catch (const PolicyTimeout& e) {
      ADD_FAILURE() << "a refused connection is an error, not a timeout: " << e.what();
    } catch (const PolicyError& e) {
      EXPECT_NE(std::string(e.what()).find("cannot connect (2 attempts"), std::string::npos) << e.what();
    }
  }
}

TEST(RemotePolicy, AChunkOfTheWrongLengthIsAnError) {
  PolicyServerProcess server({"--chunk", "4"});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"chunk=5"});
  ASSERT_TRUE(policy);
  policy->reset(Context(0));
  const std::string error = ActError(*policy);
  EXPECT_NE(error.find("has shape (4, 7); expected (5, 7)"), std::string::npos) << error;
}

TEST(RemotePolicy, ExtendedModeFramesEachEpisodeOnlyWhenTheServerOffersIt) {
  const std::string record = testing::TempDir("extended") + "/episodes.jsonl";
  PolicyServerProcess server({"--extended", "--record", record});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {"task_id=true"});
  ASSERT_TRUE(policy);
  EXPECT_EQ(nlohmann::json::parse(policy->info().metadata_json)["gauntlet_protocol"], 1);
  Recorder recorder;
  for (int episode = 0; episode < 2; ++episode) {
    EpisodeContext context = Context(episode);
    context.task = "task_" + std::to_string(episode);
    context.task_index = episode;
    policy->reset(context);
    for (int i = 0; i <= episode; ++i) policy->act(SampleObservation(8, i));
    policy->on_event(recorder, EpisodeKey{});
  }
  const auto lines = ReadLines(record);
  ASSERT_EQ(lines.size(), 4u) << server.log();
  for (int episode = 0; episode < 2; ++episode) {
    const auto& start = lines[2 * episode];
    const auto& end = lines[2 * episode + 1];
    EXPECT_EQ(start["type"], "episode_start");
    EXPECT_EQ(end["type"], "episode_end");
    EXPECT_EQ(start["protocol"], 1);
    EXPECT_EQ(start["episode"], end["episode"]);
    EXPECT_EQ(start["episode"]["suite"], "libero_spatial");
    EXPECT_EQ(start["episode"]["init_state"], episode);
    EXPECT_EQ(start["episode"]["seed"], 0xfedcba9876543210ULL + episode);
    EXPECT_EQ(start["episode"]["task"], "task_" + std::to_string(episode));
    EXPECT_EQ(start["episode"]["task_index"], episode);
    EXPECT_EQ(end["requests"], episode + 1);
    EXPECT_EQ(end["observed"], episode + 1);
    EXPECT_TRUE(std::get<PolicyTiming>(recorder.events[episode]).extended);
  }
  // extended=off speaks plain openpi even to a server that offers more.
  auto plain = MakeOrFail(server.url(), {"extended=off"});
  ASSERT_TRUE(plain);
  plain->reset(Context(5));
  plain->act(SampleObservation());
  plain->on_event(recorder, EpisodeKey{});
  EXPECT_EQ(ReadLines(record).size(), 4u);
}

TEST(RemotePolicy, EachEpisodeEndsWithItsRequestTimings) {
  PolicyServerProcess server({});
  ASSERT_TRUE(server.started()) << server.log();
  auto policy = MakeOrFail(server.url(), {});
  ASSERT_TRUE(policy);
  Recorder recorder;
  policy->reset(Context(0));
  for (int i = 0; i < 3; ++i) policy->act(SampleObservation(8, i));
  policy->on_event(recorder, EpisodeKey{});
  policy->reset(Context(1));
  policy->on_event(recorder, EpisodeKey{});
  ASSERT_EQ(recorder.events.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<PolicyTiming>(recorder.events[0]));
  const auto& timing = std::get<PolicyTiming>(recorder.events[0]);
  EXPECT_EQ(timing.step, 8);  // the last query's step
  EXPECT_EQ(timing.requests, 3);
  EXPECT_GT(timing.client_mean_ms, 0);
  EXPECT_LE(timing.client_p50_ms, timing.client_p95_ms);
  EXPECT_LE(timing.client_p95_ms, timing.client_max_ms);
  EXPECT_EQ(timing.server_infer_requests, 3);
  EXPECT_LE(timing.server_infer_mean_ms, timing.server_infer_max_ms);
  // The stored payload keeps the layout readers of `events` know.
  const auto payload = nlohmann::json::parse(PayloadJson(recorder.events[0]));
  for (const char* k : {"mean", "p50", "p95", "max"}) EXPECT_TRUE(payload["client_ms"][k].is_number()) << k;
  EXPECT_EQ(payload["server_infer_ms"]["requests"], 3);
  const auto empty = nlohmann::json::parse(PayloadJson(recorder.events[1]));
  EXPECT_EQ(empty["requests"], 0);
  EXPECT_TRUE(empty["client_ms"].is_null());
  EXPECT_TRUE(empty["server_infer_ms"].is_null());
}

}  // namespace
}  // namespace gauntlet::policies
