// Whether working a joint still gets it closer to its target: the hand may
// lose the handle or the part may reach a stop short of the target, and the
// skill then lets go and plans again rather than push on.
#pragma once

namespace gauntlet::policies::scripted::tabletop {

class JointProgress {
 public:
  // The hand starts moving the joint from value q towards `target`.
  void Start(double q, double target);
  // At step `step` of the work (counted from 1), the joint `error` from its
  // target: true once it has not got closer for a while, or worked too long.
  bool Stalled(double error, int step);
  double start_q() const { return start_q_; }

 private:
  double start_q_ = 0;
  double best_error_ = 0;      // smallest |error| so far
  int best_progress_step_ = 0; // last step the joint got closer to its target
};

}  // namespace gauntlet::policies::scripted::tabletop
