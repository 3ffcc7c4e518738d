// Latency of one episode's requests to a policy server: the client's round
// trip (encode, send, wait, receive, decode) and, when the server reports it
// (openpi's reply["server_timing"]["infer_ms"]), the server's inference time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace gauntlet::policies::remote {

// A copyable value, filled by one thread.
class RequestTiming {
 public:
  void Add(double client_ms, std::optional<double> server_infer_ms);
  void Clear();
  int requests() const { return static_cast<int>(client_ms_.size()); }

  // {"requests": n,
  //  "client_ms": {"mean", "p50", "p95", "max"} or null when n = 0,
  //  "server_infer_ms": {"mean", "max", "requests"} or null when no reply carried it}.
  // Percentiles are nearest-rank: the ceil(p * n)-th smallest value.
  nlohmann::json ToJson() const;

 private:
  std::vector<double> client_ms_;
  std::vector<double> server_infer_ms_;
};

}  // namespace gauntlet::policies::remote
