// What `remote:` costs per request on top of the server's own work: encoding
// a LIBERO-preset observation (two 224x224x3 images + 8 state values + the
// instruction), one websocket round trip over loopback, and decoding the
// (4, 7) float64 action chunk. The server runs in this process on its own
// thread and answers every request with the same prepacked reply without
// decoding it, so its own cost is close to nothing.
//
//   BM_EncodeObservation/N   the encode alone (what any client must do)
//   BM_RemoteAct/N           RemotePolicy::act: encode + round trip + decode
// with N x N images (224: openpi's size; 32: nearly all of the cost is then
// per message rather than per byte).
//
// Both report wall time per request (UseRealTime); client and server share
// the machine's cores. Most of the per-byte cost is websocketpp masking the
// client's frames byte by byte (RFC 6455 requires clients to mask) and the
// in-process server unmasking them.
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include "policies/remote/msgpack_numpy.h"
#include "policies/remote/observation_keys.h"
#include "policies/remote/remote_policy.h"

namespace gauntlet {
namespace {

using policies::remote::Packer;

Observation LiberoObservation(int size) {
  Observation obs;
  for (const char* camera : {"agentview", "wrist"}) {
    Image& image = obs.images[camera];
    image.width = image.height = size;
    image.rgb.resize(static_cast<size_t>(size) * size * 3);
    for (size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = static_cast<std::uint8_t>(i * 13);
  }
  obs.state["eef_pos"] = {-0.1, 0.02, 1.05};
  obs.state["eef_axis_angle"] = {3.1, 0.0, 0.2};
  obs.state["gripper_qpos"] = {0.039, 0.038};
  obs.instruction = "pick up the black bowl between the plate and the ramekin and place it on the plate";
  return obs;
}

// A websocket server on 127.0.0.1 that sends `{}` as its metadata and then
// answers every message with one fixed openpi reply.
class ReplyServer {
 public:
  ReplyServer() {
    msgpack::sbuffer metadata;
    Packer(&metadata).pack_map(0);
    metadata_.assign(metadata.data(), metadata.size());
    msgpack::sbuffer reply;
    Packer packer(&reply);
    packer.pack_map(2);
    policies::remote::PackKey(packer, "actions");
    const std::vector<double> actions(4 * 7, 0.25);
    policies::remote::PackNdArray(packer, "<f8", {4, 7}, actions.data(), actions.size() * sizeof(double));
    policies::remote::PackKey(packer, "server_timing");
    packer.pack_map(1);
    policies::remote::PackKey(packer, "infer_ms");
    packer.pack_double(0.0);
    reply_.assign(reply.data(), reply.size());

    server_.clear_access_channels(websocketpp::log::alevel::all);
    server_.clear_error_channels(websocketpp::log::elevel::all);
    server_.init_asio();
    server_.set_reuse_addr(true);
    server_.set_open_handler([this](websocketpp::connection_hdl h) {
      server_.send(h, metadata_, websocketpp::frame::opcode::binary);
    });
    server_.set_message_handler([this](websocketpp::connection_hdl h, Server::message_ptr) {
      server_.send(h, reply_, websocketpp::frame::opcode::binary);
    });
    server_.listen(websocketpp::lib::asio::ip::tcp::endpoint(websocketpp::lib::asio::ip::address_v4::loopback(), 0));
    server_.start_accept();
    websocketpp::lib::asio::error_code ec;
    port_ = server_.get_local_endpoint(ec).port();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~ReplyServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

 private:
  using Server = websocketpp::server<websocketpp::config::asio>;
  Server server_;
  std::string metadata_, reply_;
  int port_ = 0;
  std::thread thread_;
};

void BM_EncodeObservation(benchmark::State& state) {
  const auto keys = policies::remote::ObservationKeyMap::Preset("libero").value();
  const Observation obs = LiberoObservation(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    msgpack::sbuffer buffer;
    Packer packer(&buffer);
    if (!keys.Pack(obs, packer).ok()) state.SkipWithError("pack failed");
    bytes = buffer.size();
    benchmark::DoNotOptimize(buffer.data());
  }
  state.counters["request_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeObservation)->Arg(224)->Arg(32)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_RemoteAct(benchmark::State& state) {
  ReplyServer server;
  auto policy = policies::MakeRemotePolicy(server.url(), policies::PolicyOptions::Parse({"image_size=224"}).value());
  if (!policy.ok()) {
    state.SkipWithError(policy.error().message.c_str());
    return;
  }
  const Observation obs = LiberoObservation(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ActionChunk chunk = policy.value()->act(obs);
    benchmark::DoNotOptimize(chunk.actions.data());
  }
}
BENCHMARK(BM_RemoteAct)->Arg(224)->Arg(32)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace gauntlet

BENCHMARK_MAIN();
