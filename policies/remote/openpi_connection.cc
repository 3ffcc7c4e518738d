#include "policies/remote/openpi_connection.h"

#include <algorithm>
#include <sstream>
#include <thread>
#include <vector>

#include "harness/text_join.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

namespace {

Clock::time_point After(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string Seconds(double s) {
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << s << " s";
  return out.str();
}

}  // namespace

std::string SummariseServerError(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line.erase(0, line.find_first_not_of(" \t\r"));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  constexpr size_t kFirst = 4;
  const std::vector<std::string> first(lines.begin(), lines.begin() + std::min(lines.size(), kFirst));
  std::string out = JoinText(first, " | ");
  if (lines.size() > kFirst) out += " | ... | " + lines.back();
  if (out.size() > 600) out = out.substr(0, 597) + "...";
  return out.empty() ? "(empty error message)" : out;
}

WireStatus OpenpiConnection::Connect(const ConnectOptions& options, std::unique_ptr<OpenpiConnection>& out) {
  const auto start = Clock::now();
  WireStatus last;
  double backoff_s = 0.25;
  for (int attempt = 0; attempt <= options.retries; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff_s));
      backoff_s = std::min(backoff_s * 2, 4.0);
    }
    const auto deadline = After(options.timeout_s);
    std::unique_ptr<WebsocketConnection> socket;
    last = WebsocketConnection::Open(options.websocket, deadline, socket);
    if (!last.ok()) continue;
    Frame first;
    last = socket->Receive(first, deadline);
    if (last.code == WireStatus::kTimeout) last.message = "no metadata frame within " + Seconds(options.timeout_s);
    if (!last.ok()) continue;
    if (first.text) return {WireStatus::kFailed, "the server sent an error instead of its metadata: " +
                                                     SummariseServerError(first.payload)};
    auto metadata = Unpack(first.payload.data(), first.payload.size());
    if (!metadata.ok()) return {WireStatus::kFailed, "metadata frame: " + metadata.error().message};
    out.reset(new OpenpiConnection(std::move(socket)));
    out->metadata_ = std::move(metadata).value();
    return WireStatus::Ok();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {WireStatus::kFailed, "cannot connect (" + std::to_string(options.retries + 1) + " attempt" +
                                   (options.retries ? "s" : "") + " in " + Seconds(elapsed) + "): " + last.message};
}

WireStatus OpenpiConnection::Exchange(const msgpack::sbuffer& request, Clock::time_point deadline,
                                      msgpack::object_handle& reply) {
  if (WireStatus s = socket_->Poll(); !s.ok()) return s;
  if (socket_->pending() > 0) return {WireStatus::kFailed, "the server sent a frame before the request"};
  if (WireStatus s = socket_->SendBinary(request.data(), request.size()); !s.ok()) return s;
  Frame frame;
  if (WireStatus s = socket_->Receive(frame, deadline); !s.ok()) return s;
  if (frame.text) return {WireStatus::kFailed, "server error: " + SummariseServerError(frame.payload)};
  auto unpacked = Unpack(frame.payload.data(), frame.payload.size());
  if (!unpacked.ok()) return {WireStatus::kFailed, "reply: " + unpacked.error().message};
  reply = std::move(unpacked).value();
  return WireStatus::Ok();
}

bool OpenpiConnection::Idle() { return socket_->Poll().ok() && socket_->pending() == 0; }

void OpenpiConnection::Close(double wait_s) { socket_->Close(After(wait_s)); }

}  // namespace gauntlet::policies::remote
