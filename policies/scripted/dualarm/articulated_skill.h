// Working a door or a drawer with a hand on its handle: the hand's command
// follows the joint's motion (about the hinge's axis through its anchor, or
// along the slide's axis) from where the stage began, at most `rate` per
// period and never more than `lead` ahead of the joint's measured value, so
// a slipping grip does not run away from the handle.
#pragma once

#include <string>

#include "policies/scripted/dualarm/stage_script.h"

namespace gauntlet::policies::scripted::dualarm {

struct JointPull {
  Hand hand = Hand::kLeft;
  std::string owner;         // the articulated object ("microwave", "cabinet")
  double target = 0;         // joint value to reach (rad or m)
  double rate = 0.02;        // per period
  double lead = 0.15;        // how far the command may run ahead of the joint
  double turn = 1.0;         // fraction of a hinge's rotation the hand turns with
  double gripper = 0;        // the grip while pulling (0 closed; a little open hooks the bar)
  int max_steps = 150;
};

// One stage, <tag>: pulls until the joint reaches `target` (or max_steps).
Stage JointPullStage(const JointPull& pull, const std::string& tag);

}  // namespace gauntlet::policies::scripted::dualarm
