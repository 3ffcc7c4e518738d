// The Policy interface: everything that turns observations into actions.
#pragma once

#include <exception>
#include <memory>
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

// One episode's side of a policy that serves many episodes at once: what it
// remembers between that episode's queries (history, chunk queue, action
// ensembling, router state). It stays with its episode whichever batch the
// episode's queries land in.
class PolicySession {
 public:
  virtual ~PolicySession() = default;
  // The episode starts (or, in an instruction chain, its next subtask).
  virtual void reset(const EpisodeContext& context) = 0;
  // The episode has ended, however it ended: flush its routing decisions or timings.
  virtual void on_event(EventSink& /*sink*/, const EpisodeKey& /*key*/) {}
};

// The session of a policy that keeps nothing per episode.
class StatelessSession : public PolicySession {
 public:
  void reset(const EpisodeContext& /*context*/) override {}
};

// One episode's request for actions. The query shares its session and
// observation so that a call the runner gave up on (a hung policy) still
// reads live objects.
struct PolicyQuery {
  std::shared_ptr<PolicySession> session;
  std::shared_ptr<const Observation> observation;
};

// One query's answer: its chunk, or why there is none (a PolicyError or
// PolicyTimeout; any other exception is reported as a policy error).
struct PolicyAnswer {
  ActionChunk chunk;
  std::exception_ptr error;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual PolicyInfo info() const = 0;

  // One episode at a time: the instance holds that episode's state.
  virtual void reset(const EpisodeContext& context) = 0;
  virtual ActionChunk act(const Observation& observation) = 0;
  // Optional: flush routing decisions or timings gathered during the episode.
  // The runner calls it once when an episode ends, however it ended.
  virtual void on_event(EventSink& /*sink*/, const EpisodeKey& /*key*/) {}

  // The batched entry point, for policies that answer several episodes'
  // queries in one call (one forward pass, one batched request). A policy
  // that returns true from batches() serves every episode of a run from one
  // instance: the runner opens one session per episode and calls act_batch
  // with the queries it gathered (at most max_batch() of them), at most
  // concurrency() calls at a time.
  // open_session and the sessions' own methods may run on any thread, beside
  // act_batch calls for other sessions. A failure of one query is that
  // query's answer; act_batch itself throws only when the whole call failed
  // (each query is then answered with that error).
  // Policies that cannot batch keep the defaults: the runner gives each
  // in-flight episode its own instance and calls act, one query per call.
  virtual bool batches() const { return false; }
  virtual std::shared_ptr<PolicySession> open_session();
  virtual std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries);
  virtual int concurrency() const { return 1; }
  // The most queries one act_batch call takes (0: any number; a server
  // that answers one observation per request says 1).
  virtual int max_batch() const { return 0; }
};

}  // namespace gauntlet
