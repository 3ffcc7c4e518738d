// The scripted expert for the play table (CALVIN's 34 tasks). It reads the
// task from the privileged goal and the scene from privileged state, and
// acts only through the 7-d relative interface (stored_target.h).
//
// Each subtask: a few still steps so the hand settles on the stored target
// (the previous subtask may have ended mid-motion), then the disengage moves
// (disengage.h): let go, a few more still steps to re-read the target (a
// hand pinching or pushing something sits away from it), withdraw; then the
// task's skill as a waypoint script planned from the scene at that moment.
// After the script the hand keeps still.
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
  // The same step in CALVIN's absolute interface: the pose the relative
  // action moves the stored target to, [x y z roll pitch yaw gripper]. In its
  // first still steps the expert has not read the target yet; it then holds
  // the hand where it is.
  Action ActAbsolute(const PrivilegedState& s);
  // For traces and diagnostics: the current phase.
  std::string phase_name() const;

 private:
  // kTaskPart: a first part of the task (the door pushed out of the way),
  // after which the rest is planned from the scene then.
  enum class Stage { kSettle, kLetGo, kResync, kWithdraw, kTaskPart, kTask };
  // Plans the task's skill (or its next part) from the scene now, starting
  // at `from`; false when a further part follows.
  bool PlanTask(const PrivilegedState& s, const HandGoal& from);
  // Keeping the hand where its target is.
  Action StillAction(Grip grip) const;

  Stage stage_ = Stage::kSettle;
  int settle_steps_ = 0;
  int task_stage_ = 0;
  Vec3 push_origin_{};  // a pushed block's position when its task began
  Grip grip_ = Grip::kOpen;
  std::string task_;
  StoredTarget target_;
  WaypointScript script_;
};

}  // namespace gauntlet::policies::scripted::playtable
