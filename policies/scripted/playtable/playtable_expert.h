// The scripted expert for the play table (CALVIN's 34 tasks). It reads the
// task from the privileged goal and the scene from privileged state, and
// acts only through the 7-d relative interface (stored_target.h).
//
// Each subtask: a few still steps so the hand settles on the stored target
// (the previous subtask may have ended mid-motion), then the disengage moves
// (let go, back off, rise; disengage.h), then the task's skill as a
// waypoint script planned from the scene at that moment. After the script
// the hand keeps still.
#pragma once

#include <string>

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/playtable/stored_target.h"
#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

class PlaytableExpert {
 public:
  // A new subtask (the harness resets the policy before each).
  void Reset();
  // One control step. Throws PolicyError for a task it has no skill for.
  Action Act(const PrivilegedState& s);
  // For traces and diagnostics: the current phase.
  std::string phase_name() const;

 private:
  enum class Stage { kSettle, kDisengage, kTask };
  // Plans the task's skill from the scene now, starting at `from`.
  void PlanTask(const PrivilegedState& s, const HandGoal& from);

  Stage stage_ = Stage::kSettle;
  int settle_steps_ = 0;
  Grip grip_ = Grip::kOpen;
  std::string task_;
  StoredTarget target_;
  WaypointScript script_;
};

}  // namespace gauntlet::policies::scripted::playtable
