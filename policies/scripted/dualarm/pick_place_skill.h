// The one-arm skills every task is built from, as stages of a StageScript:
// pick (approach over the grasp, descend, close, lift) and place (carry the
// held point over its spot, lower it there, open, retreat). Where to grasp
// and place is read from the view when the stage begins; a tag keeps each
// use's memory apart.
#pragma once

#include <functional>
#include <string>

#include "policies/scripted/dualarm/stage_script.h"

namespace gauntlet::policies::scripted::dualarm {

using PointFn = std::function<Vec3(const DualarmView&)>;
using QuatFn = std::function<Quat(const DualarmView&)>;

inline constexpr int kGripSteps = 12;  // periods the fingers take to close or open on a part

struct GraspSpec {
  Hand hand = Hand::kLeft;
  PointFn point;        // the TCP at the grasp
  QuatFn orientation;   // the hand's orientation there
  double approach = 0.10;  // pre-grasp: this far back along the approach axis (TCP x) from the grasp
  double lift = 0.10;   // metres the TCP rises after closing
  double close_to = kGripperClosed;
  double open_to = kGripperOpen;  // while approaching (a part way open hand fits a narrow gap)
};

// A small object (block, primitive) pinched top-down at its middle height,
// or higher where a short one would bring the fingertips to the table; a
// box's fingers close across a pair of faces.
GraspSpec SmallObjectGrasp(Hand hand, const std::string& object);

// Stages <name>_approach, _descend, _close, _lift.
std::vector<Stage> PickStages(const GraspSpec& grasp, const std::string& tag);

struct PlaceSpec {
  Hand hand = Hand::kLeft;
  PointFn held;          // where the held reference point is now (an object's origin or site)
  PointFn spot;          // where it should end
  double clearance = 0.06;  // metres the held point passes above the spot before lowering
  double above = 0.0;    // final height of the held point over the spot
  QuatFn orientation;    // empty: the hand keeps its orientation
  double bottom_below = 0;  // metres from the held point down to the object's bottom
  double speed = kCruise;  // carrying speed (slower for a tall object that swings)
  int settle_steps = 0;  // periods to wait over the spot before lowering (a swinging object comes to rest)
  bool release = true;   // open and retreat after lowering
  double retreat = 0.08; // metres up after opening
};

// Stages <tag>_carry, _lower, and with release _open, _retreat.
std::vector<Stage> PlaceStages(const PlaceSpec& place, const std::string& tag);

// Stages <tag>_open (the fingers open, the hand still) and <tag>_back (the
// hand backs `distance` metres along its approach axis and rises `rise`).
std::vector<Stage> ReleaseStages(Hand hand, double distance, double rise, const std::string& tag,
                                 double speed = kCruise);

// Stage <tag>: the arm goes back to `home` (its pose when the episode
// began), out of the other arm's way.
Stage ParkStage(Hand hand, const ArmView& home, const std::string& tag);

// Two arms' stage lists of the same shape run as one: stage i of `left`
// (its left goal) and of `right` (its right goal) together, each ending when
// both arms are done. Names from `left`.
std::vector<Stage> Together(std::vector<Stage> left, std::vector<Stage> right);

// Appends `more` to `plan`.
void Append(Plan& plan, std::vector<Stage> more);

}  // namespace gauntlet::policies::scripted::dualarm
