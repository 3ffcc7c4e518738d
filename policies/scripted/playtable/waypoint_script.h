// A skill as a list of waypoints for the stored target: each names the pose
// (position, euler) and gripper to head for, how fast, how long to stay once
// there, and optionally a condition that ends it early (the joint moved far
// enough, the fingers closed on something). Poses are either fixed when the
// skill is planned or recomputed every step from the state (carrying a held
// block to a spot corrects for where the block sits in the hand).
//
// The script advances when the target has arrived and stayed `settle`
// steps, or when `until` holds; after the last waypoint it keeps the hand
// still with the last gripper command.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/playtable/hand_orientation.h"
#include "policies/scripted/playtable/stored_target.h"

namespace gauntlet::policies::scripted::playtable {

struct HandGoal {
  Vec3 position{};
  Euler euler{};
  Grip grip = Grip::kOpen;
};

struct Waypoint {
  std::string phase;  // for traces
  std::function<HandGoal(const PrivilegedState&)> goal;
  double max_step = 0.02;  // m of target motion per control step
  double max_turn = 0.05;  // rad per euler component per control step
  int settle = 0;          // steps to stay after arriving
  std::function<bool(const PrivilegedState&)> until;  // optional: done as soon as this holds
  // The hand is free here and must be where asked: once arrived, correct
  // the controller's steady error (StoredTarget::Trim) until the hand is
  // within kTrimTolerance, for at most kTrimSteps more steps.
  bool precise = false;
};

class WaypointScript {
 public:
  void Clear();
  // Appends a waypoint with a fixed goal.
  void Add(const std::string& phase, const HandGoal& goal, double max_step = 0.02, int settle = 0,
           std::function<bool(const PrivilegedState&)> until = nullptr, double max_turn = 0.05);
  // Appends a waypoint with a fixed goal where the hand must end up exactly.
  void AddPrecise(const std::string& phase, const HandGoal& goal, double max_step = 0.02, int settle = 2);
  // Appends a waypoint whose goal follows the state.
  void AddLive(Waypoint waypoint);
  // The goal of the last waypoint added (where the script leaves the hand),
  // or `fallback` when there is none.
  HandGoal Last(const HandGoal& fallback) const;

  // One control step. Precondition: !done() or the script ran at least once.
  Action Act(const PrivilegedState& s, StoredTarget& target);
  bool done() const { return next_ >= waypoints_.size(); }
  bool empty() const { return waypoints_.empty(); }
  std::string phase() const;

 private:
  void Advance();

  std::vector<Waypoint> waypoints_;
  std::vector<HandGoal> fixed_;  // per waypoint: its goal when fixed (for Last)
  size_t next_ = 0;
  int settled_ = 0;
  bool arrived_once_ = false;  // a precise waypoint's target has arrived
  Vec3 last_hand_{};           // the measured TCP a step ago
  Grip last_grip_ = Grip::kOpen;
};

}  // namespace gauntlet::policies::scripted::playtable
