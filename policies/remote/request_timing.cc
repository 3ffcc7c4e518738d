#include "policies/remote/request_timing.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "harness/percentile.h"

namespace gauntlet::policies::remote {

namespace {

double Mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

}  // namespace

void RequestTiming::Add(double client_ms, std::optional<double> server_infer_ms) {
  client_ms_.push_back(client_ms);
  if (server_infer_ms) server_infer_ms_.push_back(*server_infer_ms);
}

void RequestTiming::Clear() {
  client_ms_.clear();
  server_infer_ms_.clear();
}

PolicyTiming RequestTiming::Summary() const {
  PolicyTiming out;
  out.requests = requests();
  if (!client_ms_.empty()) {
    std::vector<double> sorted = client_ms_;
    std::sort(sorted.begin(), sorted.end());
    out.client_mean_ms = Mean(sorted);
    out.client_p50_ms = NearestRank(sorted, 0.50);
    out.client_p95_ms = NearestRank(sorted, 0.95);
    out.client_max_ms = sorted.back();
  }
  out.server_infer_requests = static_cast<int>(server_infer_ms_.size());
  if (!server_infer_ms_.empty()) {
    out.server_infer_mean_ms = Mean(server_infer_ms_);
    out.server_infer_max_ms = *std::max_element(server_infer_ms_.begin(), server_infer_ms_.end());
  }
  return out;
}

}  // namespace gauntlet::policies::remote
