// The scripted expert for the tabletop (LIBERO) family. It reads privileged
// state (poses, regions, joints, the goal and which of its atoms hold) but
// acts only through the family's 7-d end-effector delta interface: it never
// moves an object or a joint itself.
//
// It works through the goal's atoms one at a time (task_plan) with three
// skills: pick and place (pick_place_skill), working a joint by its handle
// (articulated_joint_skill) and pushing a door round (door_skill, through the
// joint skill), all built on the shared motion primitives
// (policies/scripted/motion_primitives.h).
#pragma once

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/tabletop/articulated_joint_skill.h"
#include "policies/scripted/tabletop/pick_place_skill.h"

namespace gauntlet::policies::scripted::tabletop {

class TabletopExpert {
 public:
  // A new episode.
  void Reset();
  // One control step. Throws PolicyError for a goal atom no skill achieves.
  Action Act(const PrivilegedState& s);
  // For traces and diagnostics: the current phase of the script.
  const char* phase_name() const;

 private:
  enum class Skill { kNone, kPickPlace, kWorkJoint };  // kNone: plan at the next step
  Skill active_ = Skill::kNone;
  PickPlaceSkill pick_place_;
  ArticulatedJointSkill joint_;
};

}  // namespace gauntlet::policies::scripted::tabletop
