// A blocking websocket client connection (ws:// only, no TLS) whose every call
// ends by a deadline. It runs its own event loop on the calling thread, only
// while a call is in progress, so nothing happens behind the caller's back and
// no thread is left behind.
//
// Not thread-safe: one connection belongs to one thread at a time. Neither
// copyable nor movable (held by unique_ptr); destroying it drops the
// connection at once (no close handshake), so a late frame can never reach a
// later owner.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gauntlet::policies::remote {

using Clock = std::chrono::steady_clock;

// How a blocking call ended. A timeout leaves the connection in an unknown
// state: callers drop it.
struct WireStatus {
  enum Code { kOk, kTimeout, kFailed };
  Code code = kOk;
  std::string message;  // why, for kTimeout and kFailed

  bool ok() const { return code == kOk; }
  static WireStatus Ok() { return {}; }
};

struct WebsocketOptions {
  std::string url;  // ws://HOST:PORT[/PATH]
  std::vector<std::pair<std::string, std::string>> headers;  // added to the opening handshake
  std::size_t max_message_bytes = 64u << 20;  // a larger incoming message closes the connection
};

struct Frame {
  bool text = false;    // a text frame (openpi servers send their errors so)
  std::string payload;  // the whole message
};

class WebsocketConnection {
 public:
  // TCP connect and the opening handshake, both by `deadline`.
  static WireStatus Open(const WebsocketOptions& options, Clock::time_point deadline,
                         std::unique_ptr<WebsocketConnection>& out);
  ~WebsocketConnection();
  WebsocketConnection(const WebsocketConnection&) = delete;
  WebsocketConnection& operator=(const WebsocketConnection&) = delete;

  // Queues one binary message; it is written while later calls run the loop.
  WireStatus SendBinary(const char* data, std::size_t size);
  // The next message, in arrival order. Messages that arrived before the
  // server closed are still delivered; after them the close is a kFailed.
  WireStatus Receive(Frame& out, Clock::time_point deadline);
  // Handles whatever has already happened, without waiting: kFailed when the
  // connection has closed.
  WireStatus Poll();
  // Messages received and not yet read by Receive.
  std::size_t pending() const;
  // Sends a close frame and waits for the server's, at most until `deadline`.
  void Close(Clock::time_point deadline);

 private:
  struct Impl;
  explicit WebsocketConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gauntlet::policies::remote
