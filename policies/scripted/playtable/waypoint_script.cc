#include "policies/scripted/playtable/waypoint_script.h"

#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

void WaypointScript::Clear() {
  waypoints_.clear();
  fixed_.clear();
  next_ = 0;
  settled_ = 0;
}

void WaypointScript::Add(const std::string& phase, const HandGoal& goal, double max_step, int settle,
                         std::function<bool(const PrivilegedState&)> until, double max_turn) {
  Waypoint w;
  w.phase = phase;
  w.goal = [goal](const PrivilegedState&) { return goal; };
  w.max_step = max_step;
  w.max_turn = max_turn;
  w.settle = settle;
  w.until = std::move(until);
  waypoints_.push_back(std::move(w));
  fixed_.push_back(goal);
}

void WaypointScript::AddLive(Waypoint waypoint) {
  waypoints_.push_back(std::move(waypoint));
  fixed_.push_back(fixed_.empty() ? HandGoal{} : fixed_.back());
}

HandGoal WaypointScript::Last(const HandGoal& fallback) const { return fixed_.empty() ? fallback : fixed_.back(); }

std::string WaypointScript::phase() const { return done() ? "hold" : waypoints_[next_].phase; }

Action WaypointScript::Act(const PrivilegedState& s, StoredTarget& target) {
  const MotionConvention& c = kPlaytableMotion;
  // Skip waypoints whose condition already holds.
  while (!done() && waypoints_[next_].until && waypoints_[next_].until(s)) {
    ++next_;
    settled_ = 0;
  }
  if (done()) {
    bool arrived = false;
    return target.Toward(target.position(), target.euler(), 0, 0, GripperValue(last_grip_, c), &arrived);
  }
  const Waypoint& w = waypoints_[next_];
  const HandGoal goal = w.goal(s);
  last_grip_ = goal.grip;
  bool arrived = false;
  Action a = target.Toward(goal.position, goal.euler, w.max_step, w.max_turn, GripperValue(goal.grip, c), &arrived);
  if (arrived) {
    if (settled_++ >= w.settle) {
      ++next_;
      settled_ = 0;
    }
  } else {
    settled_ = 0;
  }
  return a;
}

}  // namespace gauntlet::policies::scripted::playtable
