#include "policies/scripted/tabletop/tabletop_expert.h"

#include <optional>

#include "harness/policy.h"
#include "policies/scripted/tabletop/expert_geometry.h"
#include "policies/scripted/tabletop/tabletop_motion.h"
#include "policies/scripted/tabletop/task_plan.h"

namespace gauntlet::policies::scripted::tabletop {

void TabletopExpert::Reset() {
  active_ = Skill::kNone;
  pick_place_.Reset();
  joint_.Reset();
}

const char* TabletopExpert::phase_name() const {
  switch (active_) {
    case Skill::kPickPlace: return pick_place_.phase_name();
    case Skill::kWorkJoint: return joint_.phase_name();
    case Skill::kNone: break;
  }
  return "plan";
}

Action TabletopExpert::Act(const PrivilegedState& s) {
  if (active_ == Skill::kNone) {
    const std::optional<Subgoal> next = NextSubgoal(s);
    // Every atom holds: keep still, hand open.
    if (!next) return Release(s.eef, HandDown(Yaw(s.eef.quat)), kTabletopMotion);
    if (next->skill == Subgoal::Skill::kPickPlace) {
      const std::vector<std::string>& atom = s.goal[next->atom];
      if (!pick_place_.Plan(s, atom)) throw PolicyError("oracle: cannot plan (" + AtomText(atom) + ")");
      active_ = Skill::kPickPlace;
    } else {
      joint_.Plan(s, next->joint, next->joint_target);
      active_ = Skill::kWorkJoint;
    }
  }
  if (active_ == Skill::kPickPlace) {
    Action a = pick_place_.Act(s);
    if (pick_place_.done()) active_ = Skill::kNone;
    return a;
  }
  Action a = joint_.Act(s);
  if (joint_.done()) active_ = Skill::kNone;
  return a;
}

}  // namespace gauntlet::policies::scripted::tabletop
