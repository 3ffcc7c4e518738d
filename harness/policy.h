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

// What a policy reads. The runner checks it against what the family offers
// (Env::observation_spec) before the first step, and renders only `cameras`.
struct ObservationNeeds {
  std::vector<std::string> cameras;     // empty: state-only, nothing is rendered
  int image_width = 0;                  // 0: any size (the run's --image-size)
  int image_height = 0;
  ImageOrientation orientation = ImageOrientation::kUpright;
  std::vector<std::string> state_keys;  // empty: reads none (or takes whatever is there)
  bool instruction = true;
  bool task_id = false;                 // per-task models, oracle routing
  bool privileged = false;              // scripted experts only
};

struct PolicyInfo {
  std::string name;        // instance name ("oracle", "torchscript", ...)
  std::string kind;        // "oracle", "noop", "random", "replay", "torchscript", "remote", "python"
  std::string source;      // checkpoint file, server URL or module:Class; "" for built-ins
  std::string checkpoint_sha256;  // of the file at `source`, when it is one
  ActionSpec action_spec;  // what act() emits
  ObservationNeeds needs;
  std::string settings_json = "{}";  // resolved settings (threads, timeouts, key map, ...)
  std::string metadata_json = "{}";  // what the checkpoint or server says about itself
  // Adapters between this policy and the family, outermost last (AdaptedPolicy
  // fills it): [{"name", "from", "to", ...}].
  std::string adapters_json = "[]";
  // Set by adapters: the spec the wrapped policy itself declares (what the
  // record shows), while action_spec and needs above are the family side.
  std::string declared_spec_json;
};


// Thrown by Policy::act when the policy cannot produce an action; the episode
// ends with status "error" and this message as its reason.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by Policy::act when the policy did not answer in time (a silent
// server); the episode ends with status "timeout" and this message.
class PolicyTimeout : public PolicyError {
 public:
  using PolicyError::PolicyError;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual PolicyInfo info() const = 0;
  virtual void reset(const EpisodeContext& context) = 0;
  virtual ActionChunk act(const Observation& observation) = 0;
  // Optional: flush routing decisions or timings gathered during the episode.
  // The runner calls it once when an episode ends, however it ended.
  virtual void on_event(EventSink& /*sink*/, const EpisodeKey& /*key*/) {}
};

}  // namespace gauntlet
