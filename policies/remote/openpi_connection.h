// One connection to a policy server speaking openpi's protocol
// (openpi/serving/websocket_policy_server.py): websocket, binary msgpack
// frames with NumPy arrays as tagged maps (msgpack_numpy.h). The server's
// first frame is its metadata; after it the client sends one request and
// reads one reply, strictly alternating. A text frame from the server is its
// error (a Python traceback), after which it closes the connection.
//
// Neither copyable nor movable (held by unique_ptr); not thread-safe: owned by
// one policy instance. Every call ends by a
// deadline; after a failure or timeout the owner drops the connection, so a
// late reply can never be read as the answer to a later request.
#pragma once

#include <memory>
#include <msgpack.hpp>
#include <string>

#include "policies/remote/websocket_client.h"

namespace gauntlet::policies::remote {

struct ConnectOptions {
  WebsocketOptions websocket;
  double timeout_s = 10;  // per attempt: TCP, handshake and the metadata frame
  int retries = 3;        // further attempts after the first, waiting 0.25 s, 0.5 s, 1 s, ... (at most 4 s)
};

class OpenpiConnection {
 public:
  // Connects and reads the metadata frame. Attempts that fail before a
  // metadata frame arrives (refused, reset, timed out) are retried; a
  // malformed metadata frame or an error text frame is not.
  static WireStatus Connect(const ConnectOptions& options, std::unique_ptr<OpenpiConnection>& out);
  OpenpiConnection(const OpenpiConnection&) = delete;
  OpenpiConnection& operator=(const OpenpiConnection&) = delete;

  // The server's first frame (openpi: a map, {} by default).
  const msgpack::object& metadata() const { return metadata_.get(); }

  // Sends one request and reads its reply by `deadline`. A text frame, a
  // frame that is not valid msgpack and a closed connection are kFailed with
  // the reason (the first lines of a server traceback); so is a frame that
  // arrived before the request was sent (it would be mistaken for the reply).
  WireStatus Exchange(const msgpack::sbuffer& request, Clock::time_point deadline, msgpack::object_handle& reply);

  // Open, and no frame arrived that nobody asked for.
  bool Idle();

  // Closes politely (close handshake), waiting at most `wait_s`.
  void Close(double wait_s);

 private:
  explicit OpenpiConnection(std::unique_ptr<WebsocketConnection> socket) : socket_(std::move(socket)) {}
  std::unique_ptr<WebsocketConnection> socket_;
  msgpack::object_handle metadata_;
};

// A server's text frame made into one line: its first lines and, when longer,
// its last line (the exception), at most about 600 characters.
std::string SummariseServerError(const std::string& text);

}  // namespace gauntlet::policies::remote
