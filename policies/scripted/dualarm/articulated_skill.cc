#include "policies/scripted/dualarm/articulated_skill.h"

#include <algorithm>

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr int kStallWindow = 20;
constexpr double kStallProgress = 0.01;

}  // namespace

Stage JointPullStage(const JointPull& p, const std::string& tag) {
  const int a = Index(p.hand);
  Stage s;
  s.name = tag;
  s.enter = [p, a, tag](const StageContext& c) {
    const PrivilegedState::Articulation& art = c.view.ArticulationOf(p.owner);
    c.memory.num[tag + "/q0"] = art.q;
    c.memory.vec[tag + "/p0"] = c.commands[a].pos();
    c.memory.quat[tag + "/r0"] = c.commands[a].quat();
  };
  s.goal[a] = [p, tag](const StageContext& c) -> std::optional<ArmGoal> {
    const PrivilegedState::Articulation& art = c.view.ArticulationOf(p.owner);
    const double q0 = c.memory.num.at(tag + "/q0");
    const double dq = std::max(0.0, std::min({p.rate * (c.steps + 1), art.q + p.lead - q0, p.target - q0}));
    const Vec3 axis{art.axis[0], art.axis[1], art.axis[2]};
    const Vec3 p0 = c.memory.vec.at(tag + "/p0");
    const Quat r0 = c.memory.quat.at(tag + "/r0");
    ArmGoal goal;
    goal.gripper = p.gripper;
    goal.speed = kCruise;
    if (art.hinge) {
      const Vec3 anchor{art.anchor[0], art.anchor[1], art.anchor[2]};
      goal.pos = Add(anchor, Rotate(FromRotationVector(Scale(axis, dq)), Sub(p0, anchor)));
      goal.quat = Normalized(QuatMul(FromRotationVector(Scale(axis, dq * p.turn)), r0));
    } else {
      goal.pos = Add(p0, Scale(axis, dq));
      goal.quat = r0;
    }
    return goal;
  };
  // Done at the target, or when the joint has stalled (the grip slipped):
  // less than kStallProgress gained over the last kStallWindow periods.
  s.done = [p, tag](const StageContext& c) {
    const double q = c.view.ArticulationOf(p.owner).q;
    if (q >= p.target) return true;
    if (c.steps % kStallWindow != 0) return false;
    double& last = c.memory.num[tag + "/stall"];
    const bool stalled = c.steps > 0 && q - last < kStallProgress;
    last = q;
    return stalled;
  };
  s.max_steps = p.max_steps;
  return s;
}

}  // namespace gauntlet::policies::scripted::dualarm
