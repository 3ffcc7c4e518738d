// Events: anything worth a row beyond the episode outcome (routing decisions,
// timings, subtask results) goes through one sink into the results store.
#pragma once

#include <string>

#include "harness/episode.h"
#include "harness/event.h"

namespace gauntlet {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const EpisodeKey& key, const Event& event) = 0;
};

}  // namespace gauntlet
