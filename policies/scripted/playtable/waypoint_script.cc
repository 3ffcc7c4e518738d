#include "policies/scripted/playtable/waypoint_script.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
constexpr double kTrimTolerance = 0.003;  // m
constexpr int kTrimAfter = 2;             // steps after arriving
constexpr int kTrimSteps = 10;
constexpr double kAtRest = 0.001;         // m per step
double Square(double x) { return x * x; }
}  // namespace

void WaypointScript::Clear() {
  waypoints_.clear();
  fixed_.clear();
  next_ = 0;
  settled_ = 0;
  arrived_once_ = false;
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

void WaypointScript::AddPrecise(const std::string& phase, const HandGoal& goal, double max_step, int settle) {
  Add(phase, goal, max_step, settle);
  waypoints_.back().precise = true;
}

void WaypointScript::AddLive(Waypoint waypoint) {
  waypoints_.push_back(std::move(waypoint));
  fixed_.push_back(fixed_.empty() ? HandGoal{} : fixed_.back());
}

HandGoal WaypointScript::Last(const HandGoal& fallback) const { return fixed_.empty() ? fallback : fixed_.back(); }

void WaypointScript::Advance() {
  ++next_;
  settled_ = 0;
  arrived_once_ = false;
}

std::string WaypointScript::phase() const { return done() ? "hold" : waypoints_[next_].phase; }

Action WaypointScript::Act(const PrivilegedState& s, StoredTarget& target) {
  const MotionConvention& c = kPlaytableMotion;
  // Skip waypoints whose condition already holds.
  while (!done() && waypoints_[next_].until && waypoints_[next_].until(s)) Advance();
  if (done()) {
    bool arrived = false;
    return target.Toward(target.goal_position(), target.goal_euler(), 0, 0, GripperValue(last_grip_, c), &arrived);
  }
  const Waypoint& w = waypoints_[next_];
  if (!w.precise) last_hand_ = s.eef.pos;
  const HandGoal goal = w.goal(s);
  last_grip_ = goal.grip;
  bool arrived = false;
  Action a = target.Toward(goal.position, goal.euler, w.max_step, w.max_turn, GripperValue(goal.grip, c), &arrived);
  if (w.precise) {
    // Once arrived, the hand is given a step to follow, then what is left of
    // its error is folded into the target's offset; the small corrections
    // do not count as leaving.
    if (arrived) arrived_once_ = true;
    if (arrived_once_) {
      const int held = settled_++;
      // Only a hand at rest shows the controller's steady error (moving, it
      // lags and overshoots).
      const double moved = std::sqrt(Square(s.eef.pos[0] - last_hand_[0]) + Square(s.eef.pos[1] - last_hand_[1]) +
                                     Square(s.eef.pos[2] - last_hand_[2]));
      bool there = false;
      if (held >= kTrimAfter && moved < kAtRest) there = target.Trim(goal.position, goal.euler, s.eef) < kTrimTolerance;
      if ((held >= w.settle && there) || held >= std::max(w.settle, kTrimAfter) + kTrimSteps) Advance();
    }
    last_hand_ = s.eef.pos;
    return a;
  }
  if (arrived) {
    if (settled_++ >= w.settle) Advance();
  } else {
    settled_ = 0;
  }
  return a;
}

}  // namespace gauntlet::policies::scripted::playtable
