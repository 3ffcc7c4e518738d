// Events: anything worth a row beyond the episode outcome (routing decisions,
// timings, subtask results) goes through one sink into the results store.
#pragma once

#include <string>

#include "harness/episode.h"

namespace gauntlet {

struct Event {
  std::string kind;  // e.g. "router_decision", "subtask", "timing"
  int step = 0;
  std::string payload_json;  // a JSON object; the store decides where it goes
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const EpisodeKey& key, const Event& event) = 0;
};

}  // namespace gauntlet
