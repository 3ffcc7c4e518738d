#include "policies/scripted/tabletop/joint_progress.h"

#include <cmath>

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr int kStallSteps = 25;  // steps without the joint getting closer: stuck
constexpr int kMaxWorkSteps = 120;
}  // namespace

void JointProgress::Start(double q, double target) {
  start_q_ = q;
  best_error_ = std::abs(target - q);
  best_progress_step_ = 0;
}

bool JointProgress::Stalled(double error, int step) {
  if (std::abs(error) < best_error_ - 0.002) {
    best_error_ = std::abs(error);
    best_progress_step_ = step;
  }
  return step - best_progress_step_ > kStallSteps || step > kMaxWorkSteps;
}

}  // namespace gauntlet::policies::scripted::tabletop
