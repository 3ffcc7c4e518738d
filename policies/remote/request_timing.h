// Latency of one episode's requests to a policy server: the client's round
// trip (encode, send, wait, receive, decode) and, when the server reports it
// (openpi's reply["server_timing"]["infer_ms"]), the server's inference time.
#pragma once

#include <optional>
#include <vector>

#include "harness/event.h"

namespace gauntlet::policies::remote {

// A copyable value, filled by one thread.
class RequestTiming {
 public:
  void Add(double client_ms, std::optional<double> server_infer_ms);
  void Clear();
  int requests() const { return static_cast<int>(client_ms_.size()); }

  // The requests, client and server fields of PolicyTiming (the rest is the
  // caller's). Percentiles are nearest-rank: the ceil(p * n)-th smallest value.
  PolicyTiming Summary() const;

 private:
  std::vector<double> client_ms_;
  std::vector<double> server_infer_ms_;
};

}  // namespace gauntlet::policies::remote
