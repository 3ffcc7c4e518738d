// Where a policy reports its events (harness/event.h) at the end of an
// episode; the episode runner collects them into the outcome, which the
// results store writes with the episode.
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
