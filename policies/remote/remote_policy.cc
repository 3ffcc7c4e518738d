#include "policies/remote/remote_policy.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>

#include "harness/text_join.h"
#include "policies/declared_spec.h"
#include "policies/remote/batch_messages.h"
#include "policies/remote/connection_pool.h"
#include "policies/remote/episode_messages.h"
#include "policies/remote/msgpack_numpy.h"
#include "policies/remote/observation_keys.h"
#include "policies/remote/openpi_connection.h"
#include "policies/remote/request_timing.h"
#include "policies/remote/server_spec.h"

namespace gauntlet::policies {

namespace {

using remote::Clock;
using remote::ConnectionPool;
using remote::Lease;
using remote::WireStatus;

struct RemoteSettings {
  std::string url;
  remote::ObservationKeyMap keys;
  remote::ConnectOptions connect;
  double timeout_s = 30;
  bool extended = true;  // use the extended protocol when the server offers it
  bool batch = true;     // send batched requests when the server offers them
  int concurrency = 1;   // connections, and act_batch calls at once
  std::string preset;
  int action_dim = 7;  // from the declared spec (ApplySpec)
  int chunk = 0;
};

std::string FormatSeconds(double s) {
  std::string text = std::to_string(s);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

// A random token that keeps this client's episode ids apart from another
// client's on the same server.
std::string ClientToken() {
  std::random_device device;
  std::ostringstream out;
  out << std::hex << device() << device();
  return out.str().substr(0, 12);
}

// What the policy and its sessions share: the settings, what was negotiated
// and the connections.
struct Core {
  Core(RemoteSettings s, PolicyInfo i, std::unique_ptr<remote::OpenpiConnection> first)
      : settings(std::move(s)), info(std::move(i)) {
    version = settings.extended ? remote::NegotiateExtendedProtocol(first->metadata()) : 0;
    batch_max = settings.batch ? remote::NegotiateBatch(first->metadata()) : 0;
    pool = std::make_unique<ConnectionPool>(settings.connect, settings.concurrency, std::move(first));
  }
  const RemoteSettings settings;
  const PolicyInfo info;
  int version = 0;    // extended protocol negotiated; 0 = plain openpi
  int batch_max = 0;  // observations per batched request; 0 = one bare observation per request
  std::unique_ptr<ConnectionPool> pool;
  const std::string client = ClientToken();
  std::atomic<std::uint64_t> episodes{0};

  std::string Who() const { return "remote " + settings.url + ": "; }
  Clock::time_point Deadline() const {
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.timeout_s));
  }
  // The error of a failed exchange about `what`; the caller drops the connection.
  std::exception_ptr WireError(const WireStatus& status, const std::string& what) const {
    if (status.code == WireStatus::kTimeout) {
      return std::make_exception_ptr(PolicyTimeout(Who() + "no reply to " + what + " within " +
                                                   FormatSeconds(settings.timeout_s) + "; the connection was dropped"));
    }
    return std::make_exception_ptr(PolicyError(Who() + what + ": " + status.message));
  }
  // A connection could not be had (connect failed, or all stayed busy).
  std::exception_ptr BorrowError(const WireStatus& status) const {
    if (status.code == WireStatus::kTimeout) {
      return std::make_exception_ptr(PolicyTimeout(Who() + "no connection within " +
                                                   FormatSeconds(settings.timeout_s) + ": " + status.message));
    }
    return std::make_exception_ptr(PolicyError(Who() + status.message));
  }
  WireStatus Exchange(Lease& lease, const msgpack::sbuffer& message, msgpack::object_handle& reply) const {
    return lease.connection->Exchange(message, Deadline(), reply);
  }
};

// One episode's side: what it has asked and been told, and how its episode
// is framed on the server.
class RemoteSession : public PolicySession {
 public:
  explicit RemoteSession(std::shared_ptr<Core> core)
      : core_(std::move(core)), id_(core_->client + "-" + std::to_string(++core_->episodes)) {}

  void reset(const EpisodeContext& context) override;
  void on_event(EventSink& sink, const EpisodeKey& key) override;

  const std::string& id() const { return id_; }
  // Whether an episode_start must go over the connection `serial` before
  // this episode's next observation.
  bool NeedsStart(std::uint64_t serial) {
    std::lock_guard<std::mutex> lock(mu_);
    if (core_->version == 0 || !in_episode_) return false;
    return core_->version == 1 ? started_serial_ != serial : started_serial_ == 0;
  }
  // Sends the episode_start over `lease`; the error when that failed (the
  // caller drops the connection).
  std::exception_ptr Start(Lease& lease) {
    msgpack::sbuffer message;
    remote::Packer packer(&message);
    {
      std::lock_guard<std::mutex> lock(mu_);
      remote::PackEpisodeStart(context_, core_->version, id_, packer);
    }
    msgpack::object_handle reply;
    if (WireStatus s = core_->Exchange(lease, message, reply); !s.ok()) return core_->WireError(s, "episode_start");
    std::lock_guard<std::mutex> lock(mu_);
    started_serial_ = lease.serial;
    return nullptr;
  }
  // What the next request is called in errors ("request 3").
  std::string NextRequest() {
    std::lock_guard<std::mutex> lock(mu_);
    return "request " + std::to_string(timing_.requests() + 1);
  }
  void Asked(int step) {
    std::lock_guard<std::mutex> lock(mu_);
    last_step_ = step;
  }
  void Answered(double client_ms, std::optional<double> server_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    timing_.Add(client_ms, server_ms);
  }
  void Reconnected() {
    std::lock_guard<std::mutex> lock(mu_);
    ++reconnects_;
  }

 private:
  const std::shared_ptr<Core> core_;
  const std::string id_;
  std::mutex mu_;  // a call left behind may still touch the session after its episode ended
  EpisodeContext context_;
  bool in_episode_ = false;          // between reset() and on_event()
  std::uint64_t started_serial_ = 0;  // the connection that carried the episode_start; 0: none
  remote::RequestTiming timing_;
  int last_step_ = 0;
  int reconnects_ = 0;
};

void RemoteSession::reset(const EpisodeContext& context) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    context_ = context;
    timing_.Clear();
    last_step_ = 0;
    reconnects_ = 0;
    started_serial_ = 0;
    in_episode_ = true;
  }
  if (core_->version == 0) {
    // Nothing to say to the server, but an unreachable one ends the episode here.
    bool reconnected = false;
    if (WireStatus s = core_->pool->EnsureOpen(reconnected); !s.ok()) std::rethrow_exception(core_->BorrowError(s));
    if (reconnected) Reconnected();
    return;
  }
  Lease lease;
  if (WireStatus s = core_->pool->Borrow(lease, core_->Deadline()); !s.ok()) {
    std::rethrow_exception(core_->BorrowError(s));
  }
  if (lease.reconnected) Reconnected();
  if (std::exception_ptr error = Start(lease)) {
    core_->pool->Discard(std::move(lease));
    std::rethrow_exception(error);
  }
  core_->pool->Return(std::move(lease));
}

void RemoteSession::on_event(EventSink& sink, const EpisodeKey& key) {
  PolicyTiming timing;
  std::uint64_t started = 0;
  msgpack::sbuffer message;
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_episode_ = false;
    timing = timing_.Summary();
    timing.step = last_step_;
    timing.reconnects = reconnects_;
    timing.extended = core_->version > 0;
    started = started_serial_;
    started_serial_ = 0;
    if (started > 0) {
      remote::Packer packer(&message);
      remote::PackEpisodeEnd(context_, core_->version, id_, timing_.requests(), packer);
    }
  }
  sink.Emit(key, timing);
  if (started == 0) return;
  // Version 1: only over the connection that carried the start, if it is
  // still open; version 2: over any open one. Never a new connection for it.
  Lease lease;
  const std::uint64_t only = core_->version == 1 ? started : 0;
  if (!core_->pool->Borrow(lease, core_->Deadline(), ConnectionPool::Make::kNever, only).ok()) return;
  msgpack::object_handle reply;
  if (WireStatus s = core_->Exchange(lease, message, reply); !s.ok()) {
    core_->pool->Discard(std::move(lease));
    std::rethrow_exception(core_->WireError(s, "episode_end"));
  }
  core_->pool->Return(std::move(lease));
}

// The actions of one openpi reply (or one batch result), or why there are none.
Result<std::vector<Action>> DecodeActions(const msgpack::object& reply, const RemoteSettings& settings,
                                          std::optional<double>& server_ms) {
  if (reply.type != msgpack::type::MAP) return Error{"the reply is not a map"};
  const msgpack::object* actions = remote::FindKey(reply, "actions");
  if (!actions) {
    std::vector<std::string> names;
    const nlohmann::json picture = remote::ToJson(reply);
    for (const auto& [key, value] : picture.items()) names.push_back(key);
    const std::string keys = JoinText(names, ", ");
    return Error{"the reply has no 'actions' (keys: " + (keys.empty() ? "none" : keys) + ")"};
  }
  auto array = remote::DecodeNdArray(*actions);
  if (!array.ok()) return Error{"reply 'actions': " + array.error().message};
  const remote::NdArray& a = array.value();
  if (a.dtype.kind != 'f') return Error{"reply 'actions' has dtype " + a.dtype.str + "; expected float32 or float64"};
  const int dim = settings.action_dim;
  const std::string expected =
      "(" + (settings.chunk > 0 ? std::to_string(settings.chunk) : std::string("H")) + ", " + std::to_string(dim) + ")";
  if (a.shape.size() != 2 || a.shape[0] < 1 || a.shape[1] != dim || (settings.chunk > 0 && a.shape[0] != settings.chunk)) {
    std::string shape;
    for (auto d : a.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    return Error{"reply 'actions' has shape (" + shape + "); expected " + expected};
  }
  const std::vector<double> values = a.ToDoubles();
  std::vector<Action> out(a.shape[0]);
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].assign(values.begin() + k * dim, values.begin() + (k + 1) * dim);
  }
  if (const msgpack::object* timing = remote::FindKey(reply, "server_timing")) {
    if (const msgpack::object* infer = remote::FindKey(*timing, "infer_ms")) {
      if (auto ms = remote::DecodeNumber(*infer); ms.ok()) server_ms = ms.value();
    }
  }
  return out;
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class RemotePolicy : public Policy {
 public:
  explicit RemotePolicy(std::shared_ptr<Core> core)
      : core_(std::move(core)), solo_(std::make_shared<RemoteSession>(core_)) {}

  PolicyInfo info() const override { return core_->info; }

  // One episode at a time: the instance's own session.
  void reset(const EpisodeContext& context) override { solo_->reset(context); }
  ActionChunk act(const Observation& observation) override {
    // The call returns before `observation` goes: it is not copied.
    std::shared_ptr<const Observation> borrowed(&observation, [](const Observation*) {});
    std::vector<PolicyAnswer> answers = act_batch({PolicyQuery{solo_, borrowed}});
    if (answers.at(0).error) std::rethrow_exception(answers[0].error);
    return std::move(answers[0].chunk);
  }
  void on_event(EventSink& sink, const EpisodeKey& key) override { solo_->on_event(sink, key); }

  // Version 1 of the extended protocol frames one episode per connection:
  // such a server is served by one instance (and connection) per episode slot.
  bool batches() const override { return core_->version != 1; }
  std::shared_ptr<PolicySession> open_session() override { return std::make_shared<RemoteSession>(core_); }
  int concurrency() const override { return core_->settings.concurrency; }
  int max_batch() const override { return core_->batch_max > 0 ? core_->batch_max : 1; }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override;

 private:
  struct Item {
    size_t index;  // in the call's queries
    RemoteSession* session;
    std::string what;  // "request N"
    msgpack::sbuffer observation;
    double pack_ms = 0;
  };
  void Fail(std::vector<PolicyAnswer>& answers, const std::vector<Item>& items, size_t from,
            const std::function<std::exception_ptr(const std::string&)>& error);
  void Plain(Lease& lease, std::vector<Item>& items, std::vector<PolicyAnswer>& answers, bool& lost);
  void Batched(Lease& lease, std::vector<Item>& items, std::vector<PolicyAnswer>& answers, bool& lost);

  const std::shared_ptr<Core> core_;
  const std::shared_ptr<RemoteSession> solo_;  // reset/act/on_event
};

void RemotePolicy::Fail(std::vector<PolicyAnswer>& answers, const std::vector<Item>& items, size_t from,
                        const std::function<std::exception_ptr(const std::string&)>& error) {
  for (size_t i = from; i < items.size(); ++i) answers[items[i].index].error = error(items[i].what);
}

std::vector<PolicyAnswer> RemotePolicy::act_batch(const std::vector<PolicyQuery>& queries) {
  std::vector<PolicyAnswer> answers(queries.size());
  std::vector<Item> items;
  const bool batched = core_->batch_max > 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    auto* session = dynamic_cast<RemoteSession*>(queries[i].session.get());
    if (!session) {
      answers[i].error = std::make_exception_ptr(PolicyError(core_->Who() + "a session of another policy"));
      continue;
    }
    const auto start = Clock::now();
    session->Asked(queries[i].observation->step);
    Item item{i, session, session->NextRequest(), {}, 0};
    remote::Packer packer(&item.observation);
    std::vector<std::pair<std::string, std::string>> extra;
    if (core_->version >= 2 && !batched) extra.push_back({remote::kEpisodeIdKey, session->id()});
    if (Status s = core_->settings.keys.Pack(*queries[i].observation, packer, extra); !s.ok()) {
      answers[i].error = std::make_exception_ptr(PolicyError(core_->Who() + s.message()));
      continue;
    }
    item.pack_ms = MsSince(start);
    items.push_back(std::move(item));
  }
  if (items.empty()) return answers;

  Lease lease;
  if (WireStatus s = core_->pool->Borrow(lease, core_->Deadline()); !s.ok()) {
    const std::exception_ptr error = core_->BorrowError(s);
    Fail(answers, items, 0, [&](const std::string&) { return error; });
    return answers;
  }
  for (Item& item : items) {
    if (lease.reconnected) item.session->Reconnected();
  }
  bool lost = false;
  for (size_t i = 0; i < items.size() && !lost; ++i) {
    if (!items[i].session->NeedsStart(lease.serial)) continue;
    if (std::exception_ptr error = items[i].session->Start(lease)) {
      lost = true;
      Fail(answers, items, 0, [&](const std::string&) { return error; });
    }
  }
  if (!lost) batched ? Batched(lease, items, answers, lost) : Plain(lease, items, answers, lost);
  if (lost) {
    core_->pool->Discard(std::move(lease));
  } else {
    core_->pool->Return(std::move(lease));
  }
  return answers;
}

// One bare observation per request, as openpi.
void RemotePolicy::Plain(Lease& lease, std::vector<Item>& items, std::vector<PolicyAnswer>& answers, bool& lost) {
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    const auto start = Clock::now();
    msgpack::object_handle reply;
    if (WireStatus s = core_->Exchange(lease, item.observation, reply); !s.ok()) {
      lost = true;
      Fail(answers, items, i, [&](const std::string& what) { return core_->WireError(s, what); });
      return;
    }
    std::optional<double> server_ms;
    auto actions = DecodeActions(reply.get(), core_->settings, server_ms);
    if (!actions.ok()) {
      // A server that answers wrongly is not trusted with the next request.
      lost = true;
      const std::string why = actions.error().message;
      Fail(answers, items, i, [&](const std::string& what) {
        return std::make_exception_ptr(PolicyError(core_->Who() + what + ": " + why));
      });
      return;
    }
    const double client_ms = item.pack_ms + MsSince(start);
    item.session->Answered(client_ms, server_ms);
    ActionChunk& chunk = answers[item.index].chunk;
    chunk.actions = std::move(actions).value();
    chunk.metadata["client_ms"] = std::to_string(client_ms);
    if (server_ms) chunk.metadata["server_infer_ms"] = std::to_string(*server_ms);
  }
}

// Every observation of the call in one request (batch_messages.h).
void RemotePolicy::Batched(Lease& lease, std::vector<Item>& items, std::vector<PolicyAnswer>& answers, bool& lost) {
  const auto start = Clock::now();
  double pack_ms = 0;
  msgpack::sbuffer request;
  remote::Packer packer(&request);
  remote::PackBatchHeader(core_->version, static_cast<int>(items.size()), packer);
  for (Item& item : items) {
    remote::PackBatchItem(item.session->id(), item.observation, packer, request);
    pack_ms = std::max(pack_ms, item.pack_ms);
  }
  const std::string of = items.size() > 1 ? " (in a batch of " + std::to_string(items.size()) + ")" : "";
  msgpack::object_handle reply;
  if (WireStatus s = core_->Exchange(lease, request, reply); !s.ok()) {
    lost = true;
    Fail(answers, items, 0, [&](const std::string& what) { return core_->WireError(s, what + of); });
    return;
  }
  auto results = remote::BatchResults(reply.get(), items.size());
  if (!results.ok()) {
    lost = true;
    const std::string why = results.error().message;
    Fail(answers, items, 0, [&](const std::string& what) {
      return std::make_exception_ptr(PolicyError(core_->Who() + what + of + ": " + why));
    });
    return;
  }
  std::optional<double> batch_server_ms;
  if (const msgpack::object* timing = remote::FindKey(reply.get(), "server_timing")) {
    if (const msgpack::object* infer = remote::FindKey(*timing, "infer_ms")) {
      if (auto ms = remote::DecodeNumber(*infer); ms.ok()) batch_server_ms = ms.value();
    }
  }
  const double client_ms = pack_ms + MsSince(start);
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    const msgpack::object& result = *results.value()[i];
    PolicyAnswer& answer = answers[item.index];
    if (const msgpack::object* error = remote::FindKey(result, "error")) {
      const std::string text = error->type == msgpack::type::STR ? error->as<std::string>() : remote::ToJson(*error).dump();
      answer.error = std::make_exception_ptr(
          PolicyError(core_->Who() + item.what + of + ": server error: " + remote::SummariseServerError(text)));
      continue;
    }
    std::optional<double> server_ms;
    auto actions = DecodeActions(result, core_->settings, server_ms);
    if (!actions.ok()) {
      answer.error = std::make_exception_ptr(PolicyError(core_->Who() + item.what + of + ": " + actions.error().message));
      continue;
    }
    if (!server_ms) server_ms = batch_server_ms;
    item.session->Answered(client_ms, server_ms);
    answer.chunk.actions = std::move(actions).value();
    answer.chunk.metadata["client_ms"] = std::to_string(client_ms);
    if (server_ms) answer.chunk.metadata["server_infer_ms"] = std::to_string(*server_ms);
  }
}

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
  const std::string batch = options.String("batch", "auto");
  if (batch != "auto" && batch != "off") return Error{"--policy-opt batch='" + batch + "': expected auto or off"};
  auto concurrency = options.Int("concurrency", 1);
  if (!concurrency.ok()) return concurrency.error();
  if (concurrency.value() < 1 || concurrency.value() > 64) return Error{"--policy-opt concurrency must be in 1..64"};
  if (Status st = options.CheckAllKnown("remote"); !st.ok()) return Error{st.message()};

  s.timeout_s = timeout.value();
  s.extended = extended == "auto";
  s.batch = batch == "auto";
  s.concurrency = concurrency.value();
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
  info.metadata_json = remote::MetadataJson(connection->metadata());
  if (Status s = ApplySpec(connection->metadata(), options, settings.value(), info); !s.ok()) {
    return Error{"remote " + url + ": " + s.message()};
  }
  auto core = std::make_shared<Core>(std::move(settings).value(), info, std::move(connection));
  return std::unique_ptr<Policy>(new RemotePolicy(std::move(core)));
}

}  // namespace gauntlet::policies
