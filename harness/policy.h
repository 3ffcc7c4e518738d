// The Policy interface: everything that turns observations into actions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "harness/action.h"
#include "harness/episode.h"
#include "harness/event_sink.h"
#include "harness/observation.h"

namespace gauntlet {

struct PolicyInfo {
  std::string name;                  // instance name as given on the command line
  std::string kind;                  // "oracle", "noop", "random", "replay", ...
  ActionSpec action_spec;            // what act() emits
  std::vector<std::string> cameras;  // cameras the policy reads (empty: state-only, no rendering)
  bool needs_task_id = false;
  bool needs_privileged_state = false;  // scripted experts only
  std::string spec_json = "{}";      // resolved settings, stored with the run
};

// Thrown by Policy::act when the policy cannot produce an action; the episode
// ends with status "error" and this message as its reason.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual PolicyInfo info() const = 0;
  virtual void reset(const EpisodeContext& context) = 0;
  virtual ActionChunk act(const Observation& observation) = 0;
  // Optional: flush routing decisions or timings gathered during the episode.
  virtual void on_event(EventSink& /*sink*/, const EpisodeKey& /*key*/) {}
};

}  // namespace gauntlet
