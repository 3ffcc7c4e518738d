#include "policies/remote/remote_policy.h"

#include <optional>

#include "harness/text_join.h"
#include "policies/declared_spec.h"
#include "policies/remote/episode_messages.h"
#include "policies/remote/msgpack_numpy.h"
#include "policies/remote/observation_keys.h"
#include "policies/remote/openpi_connection.h"
#include "policies/remote/request_timing.h"
#include "policies/remote/server_spec.h"

namespace gauntlet::policies {

namespace {

using remote::Clock;
using remote::WireStatus;

struct RemoteSettings {
  std::string url;
  remote::ObservationKeyMap keys;
  remote::ConnectOptions connect;
  double timeout_s = 30;
  bool extended = true;  // use the extended protocol when the server offers it
  std::string preset;
  int action_dim = 7;  // from the declared spec (ApplySpec)
  int chunk = 0;
};

std::string MetadataJson(const msgpack::object& metadata) {
  return remote::ToJson(metadata).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class RemotePolicy : public Policy {
 public:
  RemotePolicy(RemoteSettings settings, PolicyInfo info, std::unique_ptr<remote::OpenpiConnection> connection)
      : settings_(std::move(settings)), info_(std::move(info)) {
    Adopt(std::move(connection));
  }
  ~RemotePolicy() override {
    if (connection_) connection_->Close(0.5);
  }

  PolicyInfo info() const override { return info_; }

  void reset(const EpisodeContext& context) override {
    context_ = context;
    timing_.Clear();
    last_step_ = 0;
    episode_reconnects_ = 0;
    episode_started_ = false;
    in_episode_ = true;
    // A connection the server closed between episodes is replaced quietly.
    if (connection_ && !connection_->Idle()) connection_.reset();
    StartEpisodeIfNeeded();
  }

  ActionChunk act(const Observation& observation) override {
    StartEpisodeIfNeeded();
    last_step_ = observation.step;
    const auto start = Clock::now();
    msgpack::sbuffer request;
    remote::Packer packer(&request);
    if (Status s = settings_.keys.Pack(observation, packer); !s.ok()) throw PolicyError(Who() + s.message());
    const std::string what = "request " + std::to_string(timing_.requests() + 1);
    msgpack::object_handle reply = Exchange(request, what);
    ActionChunk chunk;
    std::optional<double> server_ms;
    chunk.actions = DecodeActions(reply.get(), what, server_ms);
    const double client_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    timing_.Add(client_ms, server_ms);
    chunk.metadata["client_ms"] = std::to_string(client_ms);
    if (server_ms) chunk.metadata["server_infer_ms"] = std::to_string(*server_ms);
    return chunk;
  }

  void on_event(EventSink& sink, const EpisodeKey& key) override {
    in_episode_ = false;
    PolicyTiming timing = timing_.Summary();
    timing.step = last_step_;
    timing.reconnects = episode_reconnects_;
    timing.extended = extended_version_ > 0;
    sink.Emit(key, timing);
    if (!episode_started_ || !connection_) return;
    episode_started_ = false;
    msgpack::sbuffer message;
    remote::Packer packer(&message);
    remote::PackEpisodeEnd(context_, extended_version_, timing_.requests(), packer);
    (void)Exchange(message, "episode_end");
  }

 private:
  std::string Who() const { return "remote " + settings_.url + ": "; }

  void Adopt(std::unique_ptr<remote::OpenpiConnection> connection) {
    connection_ = std::move(connection);
    extended_version_ = settings_.extended ? remote::NegotiateExtendedProtocol(connection_->metadata()) : 0;
  }

  // After any failure: no close handshake, nothing more from this connection
  // may be read (a late reply would pass for the next request's).
  void Drop() {
    connection_.reset();
    episode_started_ = false;
  }

  [[noreturn]] void Fail(const WireStatus& status, const std::string& what) {
    Drop();
    if (status.code == WireStatus::kTimeout) {
      throw PolicyTimeout(Who() + "no reply to " + what + " within " + FormatSeconds(settings_.timeout_s) +
                          "; the connection was dropped");
    }
    throw PolicyError(Who() + what + ": " + status.message);
  }

  static std::string FormatSeconds(double s) {
    std::string text = std::to_string(s);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text + " s";
  }

  msgpack::object_handle Exchange(const msgpack::sbuffer& message, const std::string& what) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(settings_.timeout_s));
    msgpack::object_handle reply;
    if (WireStatus s = connection_->Exchange(message, deadline, reply); !s.ok()) Fail(s, what);
    return reply;
  }

  // Reconnects after a dropped connection (bounded by connect_retries) and,
  // in the extended protocol, opens the episode on the connection in use.
  void StartEpisodeIfNeeded() {
    if (!connection_) {
      std::unique_ptr<remote::OpenpiConnection> fresh;
      if (WireStatus s = remote::OpenpiConnection::Connect(settings_.connect, fresh); !s.ok()) {
        throw PolicyError(Who() + s.message);
      }
      if (const std::string now = MetadataJson(fresh->metadata()); now != info_.metadata_json) {
        throw PolicyError(Who() + "the server's metadata changed since the run started (another model?): " +
                          (now.size() > 300 ? now.substr(0, 297) + "..." : now));
      }
      Adopt(std::move(fresh));
      ++episode_reconnects_;
    }
    if (extended_version_ > 0 && in_episode_ && !episode_started_) {
      msgpack::sbuffer message;
      remote::Packer packer(&message);
      remote::PackEpisodeStart(context_, extended_version_, packer);
      (void)Exchange(message, "episode_start");
      episode_started_ = true;
    }
  }

  std::vector<Action> DecodeActions(const msgpack::object& reply, const std::string& what,
                                    std::optional<double>& server_ms) {
    auto fail = [&](const std::string& why) {
      Drop();  // a server that answers wrongly is not trusted with the next request
      throw PolicyError(Who() + what + ": " + why);
    };
    if (reply.type != msgpack::type::MAP) fail("the reply is not a map");
    const msgpack::object* actions = remote::FindKey(reply, "actions");
    if (!actions) {
      std::vector<std::string> names;
      const nlohmann::json picture = remote::ToJson(reply);
      for (const auto& [key, value] : picture.items()) names.push_back(key);
      const std::string keys = JoinText(names, ", ");
      fail("the reply has no 'actions' (keys: " + (keys.empty() ? "none" : keys) + ")");
    }
    auto array = remote::DecodeNdArray(*actions);
    if (!array.ok()) fail("reply 'actions': " + array.error().message);
    const remote::NdArray& a = array.value();
    if (a.dtype.kind != 'f') fail("reply 'actions' has dtype " + a.dtype.str + "; expected float32 or float64");
    const std::string expected =
        "(" + (settings_.chunk > 0 ? std::to_string(settings_.chunk) : std::string("H")) + ", " +
        std::to_string(settings_.action_dim) + ")";
    if (a.shape.size() != 2 || a.shape[0] < 1 || a.shape[1] != settings_.action_dim ||
        (settings_.chunk > 0 && a.shape[0] != settings_.chunk)) {
      std::string shape;
      for (auto d : a.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
      fail("reply 'actions' has shape (" + shape + "); expected " + expected);
    }
    const std::vector<double> values = a.ToDoubles();
    std::vector<Action> out(a.shape[0]);
    for (size_t k = 0; k < out.size(); ++k) {
      out[k].assign(values.begin() + k * settings_.action_dim, values.begin() + (k + 1) * settings_.action_dim);
    }
    if (const msgpack::object* timing = remote::FindKey(reply, "server_timing")) {
      if (const msgpack::object* infer = remote::FindKey(*timing, "infer_ms")) {
        if (auto ms = remote::DecodeNumber(*infer); ms.ok()) server_ms = ms.value();
      }
    }
    return out;
  }

  const RemoteSettings settings_;
  const PolicyInfo info_;
  std::unique_ptr<remote::OpenpiConnection> connection_;  // null after a failure until reconnected
  int extended_version_ = 0;      // negotiated on the current connection; 0 = plain openpi
  EpisodeContext context_;
  bool in_episode_ = false;       // between reset() and on_event()
  bool episode_started_ = false;  // episode_start went over the current connection
  remote::RequestTiming timing_;
  int last_step_ = 0;
  int episode_reconnects_ = 0;
};

// The declared spec (server_spec.h: the key map's cameras and state keys,
// --policy-opt, the server's metadata, remote defaults) into `s` and `info`,
// and the settings in force into info.settings_json.
Status ApplySpec(const msgpack::object& metadata, PolicyOptions& options, RemoteSettings& s, PolicyInfo& info) {
  auto server = remote::ServerSpecLayer(metadata);
  if (!server.ok()) return Error{server.error().message};
  auto spec = ResolveDeclaredSpec(remote::RemoteSpecLayers(s.keys, s.preset, std::move(server).value()), options);
  if (!spec.ok()) return Error{spec.error().message};
  s.action_dim = spec.value().action.dim;
  s.chunk = spec.value().action.chunk_length;
  info.action_spec = spec.value().action;
  info.needs = spec.value().needs;
  info.needs.instruction = s.keys.instruction();
  nlohmann::json settings = options.resolved();
  if (!settings.value("api_key", "").empty()) settings["api_key"] = "(set)";  // never stored
  settings["wire_keys"] = nlohmann::json::parse(s.keys.json().dump());
  info.settings_json = settings.dump();
  return Status::Ok();
}

Result<RemoteSettings> ParseSettings(const std::string& url, PolicyOptions& options, PolicyInfo& info) {
  RemoteSettings s;
  s.url = url;
  if (url.rfind("wss://", 0) == 0) return Error{"remote:" + url + ": TLS (wss://) is not supported; use ws://"};
  if (url.rfind("ws://", 0) != 0 || url.size() <= 5) return Error{"remote:" + url + ": expected ws://HOST:PORT"};

  const std::string preset = options.String("preset", "libero");
  const std::string keymap = options.String("keymap", "");
  auto keys = keymap.empty() ? remote::ObservationKeyMap::Preset(preset) : remote::ObservationKeyMap::LoadFile(keymap);
  if (!keys.ok()) return keys.error();
  s.keys = keys.value();
  if (!keymap.empty()) {
    if (auto known = remote::ObservationKeyMap::Preset(preset); !known.ok()) return known.error();
  }
  s.preset = preset;
  // Checked here without the server's declaration, so that a bad value
  // stops the run before connecting; ApplySpec reads it again with it.
  if (Status st = ApplySpec(msgpack::object(), options, s, info); !st.ok()) return Error{st.message()};
  auto timeout = options.Double("timeout_s", 30);
  if (!timeout.ok()) return timeout.error();
  auto connect_timeout = options.Double("connect_timeout_s", 10);
  if (!connect_timeout.ok()) return connect_timeout.error();
  if (timeout.value() <= 0 || connect_timeout.value() <= 0) {
    return Error{"--policy-opt timeout_s and connect_timeout_s must be positive"};
  }
  auto retries = options.Int("connect_retries", 3);
  if (!retries.ok()) return retries.error();
  if (retries.value() < 0 || retries.value() > 20) return Error{"--policy-opt connect_retries must be in 0..20"};
  auto max_mb = options.Int("max_message_mb", 64);
  if (!max_mb.ok()) return max_mb.error();
  if (max_mb.value() < 1 || max_mb.value() > 4095) return Error{"--policy-opt max_message_mb must be in 1..4095"};
  const std::string api_key = options.String("api_key", "");
  const std::string extended = options.String("extended", "auto");
  if (extended != "auto" && extended != "off") {
    return Error{"--policy-opt extended='" + extended + "': expected auto or off"};
  }
  if (Status st = options.CheckAllKnown("remote"); !st.ok()) return Error{st.message()};

  s.timeout_s = timeout.value();
  s.extended = extended == "auto";
  s.connect.timeout_s = connect_timeout.value();
  s.connect.retries = retries.value();
  s.connect.websocket.url = url;
  s.connect.websocket.max_message_bytes = static_cast<std::size_t>(max_mb.value()) << 20;
  if (!api_key.empty()) s.connect.websocket.headers.push_back({"Authorization", "Api-Key " + api_key});

  info.name = info.kind = "remote";
  info.source = url;
  return s;
}

}  // namespace

Result<std::unique_ptr<Policy>> MakeRemotePolicy(const std::string& url, PolicyOptions options) {
  PolicyInfo info;
  auto settings = ParseSettings(url, options, info);
  if (!settings.ok()) return settings.error();
  std::unique_ptr<remote::OpenpiConnection> connection;
  if (WireStatus s = remote::OpenpiConnection::Connect(settings.value().connect, connection); !s.ok()) {
    return Error{"remote " + url + ": " + s.message};
  }
  info.metadata_json = MetadataJson(connection->metadata());
  if (Status s = ApplySpec(connection->metadata(), options, settings.value(), info); !s.ok()) {
    return Error{"remote " + url + ": " + s.message()};
  }
  return std::unique_ptr<Policy>(new RemotePolicy(std::move(settings).value(), info, std::move(connection)));
}

}  // namespace gauntlet::policies
