#include "policies/remote/websocket_client.h"

#include <deque>
#include <sstream>

#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>

namespace gauntlet::policies::remote {

namespace {

// websocketpp's own timers (TCP connect, opening and closing handshakes) are
// pushed out of the way: every call here ends by its caller's deadline.
constexpr long kLibraryTimeoutMs = 3600 * 1000;

struct ClientConfig : websocketpp::config::asio_client {
  typedef ClientConfig type;
  typedef websocketpp::config::asio_client base;
  struct transport_config : base::transport_config {
    static const long timeout_dns_resolve = kLibraryTimeoutMs;
    static const long timeout_connect = kLibraryTimeoutMs;
    static const long timeout_socket_pre_init = kLibraryTimeoutMs;
    static const long timeout_socket_post_init = kLibraryTimeoutMs;
  };
  typedef websocketpp::transport::asio::endpoint<transport_config> transport_type;
  static const long timeout_open_handshake = kLibraryTimeoutMs;
  static const long timeout_close_handshake = kLibraryTimeoutMs;
};

using Client = websocketpp::client<ClientConfig>;

// The last line websocketpp logged, without its "[time] [level] " prefix: the
// only place its asio transport keeps the system error (refused, reset, ...).
// Its failure path then logs "Error getting remote endpoint", which is noise.
std::string LastLogLine(const std::string& log) {
  std::string line, last;
  std::istringstream in(log);
  while (std::getline(in, line)) {
    if (!line.empty() && line.find("Error getting remote endpoint") == std::string::npos) last = line;
  }
  for (int i = 0; i < 2 && !last.empty() && last[0] == '['; ++i) {
    const auto close = last.find("] ");
    if (close == std::string::npos) break;
    last = last.substr(close + 2);
  }
  return last;
}

}  // namespace

struct WebsocketConnection::Impl {
  enum class State { kConnecting, kOpen, kClosed };

  std::ostringstream log;  // websocketpp's error log; outlives `client`, which writes to it
  Client client;
  Client::connection_ptr connection;  // released before `client` (declared after it)
  State state = State::kConnecting;
  std::deque<Frame> inbox;
  std::string closed_because;
  std::size_t max_message_bytes = 0;

  void OnFail() {
    state = State::kClosed;
    std::string why = LastLogLine(log.str());
    if (why.empty()) why = connection->get_ec().message();
    const auto code = connection->get_response_code();
    if (code != websocketpp::http::status_code::uninitialized &&
        code != websocketpp::http::status_code::switching_protocols) {
      why += " (HTTP " + std::to_string(static_cast<int>(code)) + " " + connection->get_response_msg() + ")";
    }
    closed_because = why;
  }

  void OnClose() {
    state = State::kClosed;
    if (connection->get_local_close_code() == websocketpp::close::status::message_too_big) {
      closed_because = "an incoming message exceeded max_message_mb (" +
                       std::to_string(max_message_bytes >> 20) + " MB); the connection was closed";
      return;
    }
    const auto code = connection->get_remote_close_code();
    if (code == websocketpp::close::status::abnormal_close) {
      closed_because = "the connection was lost (closed without a close frame)";
      return;
    }
    closed_because = "the server closed the connection (code " + std::to_string(code);
    const std::string& reason = connection->get_remote_close_reason();
    closed_because += reason.empty() ? ")" : ": " + reason + ")";
  }

  // Runs the event loop until `done()` or the deadline.
  template <class Done>
  WireStatus RunUntil(Done done, Clock::time_point deadline, const std::string& waiting_for) {
    auto& io = client.get_io_service();
    while (!done()) {
      const auto now = Clock::now();
      if (now >= deadline) return {WireStatus::kTimeout, "timed out waiting for " + waiting_for};
      if (io.stopped()) io.restart();
      const std::size_t ran = io.run_one_for(deadline - now);
      if (ran == 0 && io.stopped() && !done()) {
        // Nothing left that could ever make progress.
        return {WireStatus::kFailed, closed_because.empty() ? "the connection is idle" : closed_because};
      }
    }
    return WireStatus::Ok();
  }
};

WebsocketConnection::WebsocketConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebsocketConnection::~WebsocketConnection() {
  if (!impl_) return;
  // Drop at once: stop the loop and let the endpoint's destruction close the
  // socket. Pending handlers hold the connection; the io_service frees them.
  impl_->client.get_io_service().stop();
  impl_->connection.reset();
}

WireStatus WebsocketConnection::Open(const WebsocketOptions& options, Clock::time_point deadline,
                                     std::unique_ptr<WebsocketConnection>& out) {
  auto impl = std::make_unique<Impl>();
  Impl* p = impl.get();
  Client& client = p->client;
  try {
    client.clear_access_channels(websocketpp::log::alevel::all);
    client.set_error_channels(websocketpp::log::elevel::info | websocketpp::log::elevel::warn |
                              websocketpp::log::elevel::rerror | websocketpp::log::elevel::fatal);
    client.get_elog().set_ostream(&p->log);
    client.init_asio();
    client.set_user_agent("gauntlet");
    client.set_max_message_size(options.max_message_bytes);
    p->max_message_bytes = options.max_message_bytes;
    client.set_open_handler([p](websocketpp::connection_hdl) { p->state = Impl::State::kOpen; });
    client.set_fail_handler([p](websocketpp::connection_hdl) { p->OnFail(); });
    client.set_close_handler([p](websocketpp::connection_hdl) { p->OnClose(); });
    client.set_message_handler([p](websocketpp::connection_hdl, Client::message_ptr message) {
      p->inbox.push_back({message->get_opcode() == websocketpp::frame::opcode::text, message->get_payload()});
    });
    websocketpp::lib::error_code ec;
    p->connection = client.get_connection(options.url, ec);
    if (ec) return {WireStatus::kFailed, "cannot connect to '" + options.url + "': " + ec.message()};
    for (const auto& [name, value] : options.headers) p->connection->append_header(name, value);
    client.connect(p->connection);
  } catch (const std::exception& e) {
    return {WireStatus::kFailed, std::string("websocket setup failed: ") + e.what()};
  }
  WireStatus status = p->RunUntil([p] { return p->state != Impl::State::kConnecting; }, deadline,
                                  "the websocket handshake");
  if (!status.ok()) return status;
  if (p->state != Impl::State::kOpen) return {WireStatus::kFailed, p->closed_because};
  out.reset(new WebsocketConnection(std::move(impl)));
  return WireStatus::Ok();
}

WireStatus WebsocketConnection::SendBinary(const char* data, std::size_t size) {
  if (impl_->state != Impl::State::kOpen) return {WireStatus::kFailed, impl_->closed_because};
  const websocketpp::lib::error_code ec = impl_->connection->send(data, size, websocketpp::frame::opcode::binary);
  if (ec) return {WireStatus::kFailed, "send failed: " + ec.message()};
  return WireStatus::Ok();
}

WireStatus WebsocketConnection::Receive(Frame& out, Clock::time_point deadline) {
  Impl* p = impl_.get();
  WireStatus status = p->RunUntil([p] { return !p->inbox.empty() || p->state == Impl::State::kClosed; },
                                  deadline, "a reply");
  if (!status.ok()) return status;
  if (p->inbox.empty()) return {WireStatus::kFailed, p->closed_because};
  out = std::move(p->inbox.front());
  p->inbox.pop_front();
  return WireStatus::Ok();
}

WireStatus WebsocketConnection::Poll() {
  auto& io = impl_->client.get_io_service();
  if (io.stopped()) io.restart();
  io.poll();
  if (impl_->state != Impl::State::kOpen) return {WireStatus::kFailed, impl_->closed_because};
  return WireStatus::Ok();
}

std::size_t WebsocketConnection::pending() const { return impl_->inbox.size(); }

void WebsocketConnection::Close(Clock::time_point deadline) {
  Impl* p = impl_.get();
  if (p->state != Impl::State::kOpen) return;
  websocketpp::lib::error_code ec;
  p->connection->close(websocketpp::close::status::normal, "", ec);
  if (ec) return;
  (void)p->RunUntil([p] { return p->state == Impl::State::kClosed; }, deadline, "the closing handshake");
}

}  // namespace gauntlet::policies::remote
