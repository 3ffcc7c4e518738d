// The Env interface: one task family's world, owned by one worker.
//
// Lifecycle (one fixed order, see README.md "Episode loop"):
//   env = factory(suite, task)       // build + compile the model once per task
//   obs = env.Reset(spec)            // restore the episode's fixed initial state
//   [chains] env.BeginSubtask(sub)   // before each subtask: success is now sub's rule
//   repeat: env.Step(action)         // one control step; success is evaluated after it
//           env.Observe(request)     // only when the policy is about to be queried
//
// Thread-safety: an Env is used by one thread at a time; different Envs share nothing.
#pragma once

#include <stdexcept>
#include <string>

#include "harness/action.h"
#include "harness/episode.h"
#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet {

// Thrown by Env::Observe when an observation cannot be produced (a render
// failure); the episode ends as "error" with this message.
class EnvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StepResult {
  bool success = false;  // the goal holds after this step
  bool diverged = false; // the physics produced NaN/instability: the episode is an error
  std::string info;      // diverged: which MuJoCo warning fired
};

class Env {
 public:
  virtual ~Env() = default;

  virtual const ActionSpec& action_spec() const = 0;
  // Cameras, the image size of this run, and the state keys Observe fills.
  virtual ObservationSpec observation_spec() const = 0;
  virtual std::string instruction() const = 0;
  virtual std::string embodiment() const = 0;

  // Restores the fixed initial state of `spec` (same spec => bit-identical state).
  virtual Status Reset(const EpisodeSpec& spec) = 0;

  // Instruction chains: from now on success is `subtask`'s rule, evaluated
  // against the state at this call, and the observation's instruction is
  // its instruction. Families that cannot run chains keep the default.
  virtual Status BeginSubtask(const SubtaskSpec& subtask) {
    return Error{"this family cannot run instruction chains (subtask '" + subtask.task + "')"};
  }

  // Applies one validated action for one control period.
  virtual StepResult Step(const Action& action) = 0;

  // The action that keeps the robot where it is with its gripper(s) open:
  // what settling steps apply. Zero motion for delta interfaces; families
  // with absolute targets (poses, joint positions) answer with the current ones.
  virtual Action SettleAction() const { return HoldStillOpen(action_spec()); }

  // State vectors always; cameras and privileged state only when requested.
  virtual Observation Observe(const ObservationRequest& request) = 0;

  virtual PrivilegedState privileged_state() const = 0;

  // Hex digest of the full simulator state, for determinism checks.
  virtual std::string state_hash() const = 0;
};

}  // namespace gauntlet
