#include "policies/scripted/dualarm/pick_place_skill.h"

#include "policies/scripted/dualarm/grasp_orientation.h"

#include <algorithm>

namespace gauntlet::policies::scripted::dualarm {

namespace {

// The lowest a TCP pinches a small object: the longest fingertip (0.02 past
// the TCP) stays this far above the table.
constexpr double kFingertipClearance = 0.022;
constexpr double kTransitTolerance = 0.02;  // metres: level with, or over, a carry's goal
constexpr double kCarryReach = 0.07;  // metres: a carried object's (and hand's) reach beside its path
constexpr double kClutterClearance = 0.03;  // metres between a carried object's bottom and clutter below

}  // namespace

GraspSpec SmallObjectGrasp(Hand hand, const std::string& object) {
  constexpr double kQuarterTurn = 1.57079632679489661923;
  GraspSpec g;
  g.hand = hand;
  g.point = [object](const DualarmView& v) {
    const Vec3 c = v.Site(object + "_centre");
    return Vec3{c[0], c[1], std::max(c[2] + 0.005, v.Origin(object)[2] + kFingertipClearance)};
  };
  g.orientation = [hand, object](const DualarmView& v) {
    return ReachingTopDown(hand, v.Site(object + "_centre"), YawOf(v.Orientation(object)), kQuarterTurn);
  };
  return g;
}

std::vector<Stage> Together(std::vector<Stage> left, std::vector<Stage> right) {
  std::vector<Stage> out;
  for (std::size_t i = 0; i < left.size() && i < right.size(); ++i) {
    Stage s = left[i];
    const Stage r = right[i];
    s.goal[1] = r.goal[1];
    s.enter = [a = left[i].enter, b = r.enter](const StageContext& c) {
      if (a) a(c);
      if (b) b(c);
    };
    if (s.done || r.done) {
      s.done = [a = left[i].done, b = r.done](const StageContext& c) { return (!a || a(c)) && (!b || b(c)); };
    }
    s.tolerance = std::max(s.tolerance, r.tolerance);
    s.max_steps = std::max(s.max_steps, r.max_steps);
    out.push_back(std::move(s));
  }
  return out;
}

void Append(Plan& plan, std::vector<Stage> more) {
  for (Stage& s : more) plan.push_back(std::move(s));
}

Stage ParkStage(Hand hand, const ArmView& home, const std::string& tag) {
  Stage s;
  s.name = tag;
  s.goal[Index(hand)] = [home](const StageContext&) -> std::optional<ArmGoal> {
    return ArmGoal{home.pos, home.quat, kGripperOpen, kCruise};
  };
  s.tolerance = 0.03;
  s.max_steps = 60;
  return s;
}

std::vector<Stage> ReleaseStages(Hand hand, double distance, double rise, const std::string& name, double speed) {
  const int a = Index(hand);
  const std::string tag = name + "/" + std::to_string(a);
  std::vector<Stage> stages(2);
  Stage& open = stages[0];
  open.name = name + "_open";
  open.goal[a] = [a](const StageContext& c) -> std::optional<ArmGoal> {
    const ArmCommand& cmd = c.commands[a];
    return ArmGoal{cmd.pos(), cmd.quat(), kGripperOpen, kSlow};
  };
  open.done = [](const StageContext& c) { return c.steps >= kGripSteps; };
  Stage& back = stages[1];
  back.name = name + "_back";
  back.enter = [a, tag, distance, rise](const StageContext& c) {
    const ArmCommand& cmd = c.commands[a];
    const Vec3 approach = Rotate(cmd.quat(), {1, 0, 0});
    c.memory.vec[tag + "/back"] = Add(Sub(cmd.pos(), Scale(approach, distance)), {0, 0, rise});
    c.memory.quat[tag + "/back"] = cmd.quat();
  };
  back.goal[a] = [tag, speed](const StageContext& c) -> std::optional<ArmGoal> {
    return ArmGoal{c.memory.vec.at(tag + "/back"), c.memory.quat.at(tag + "/back"), kGripperOpen, speed};
  };
  back.tolerance = 0.03;
  back.max_steps = 40;
  return stages;
}

std::vector<Stage> PickStages(const GraspSpec& g, const std::string& name) {
  const int a = Index(g.hand);
  // Memory keys carry the arm: two arms may run stages of one name together.
  const std::string tag = name + "/" + std::to_string(a);
  const std::string key = tag + "/grasp";
  std::vector<Stage> stages(4);

  Stage& approach = stages[0];
  approach.name = name + "_approach";
  approach.enter = [g, key, tag](const StageContext& c) {
    c.memory.vec[key] = g.point(c.view);
    c.memory.quat[tag] = g.orientation(c.view);
  };
  approach.goal[a] = [g, key, tag](const StageContext& c) -> std::optional<ArmGoal> {
    const Quat q = c.memory.quat.at(tag);
    return ArmGoal{Sub(c.memory.vec.at(key), Scale(Rotate(q, {1, 0, 0}), g.approach)), q, g.open_to, kCruise};
  };
  approach.tolerance = 0.02;

  Stage& descend = stages[1];
  descend.name = name + "_descend";
  // Read again: the settle or the other arm may have nudged the object.
  descend.enter = approach.enter;
  descend.goal[a] = [g, key, tag](const StageContext& c) -> std::optional<ArmGoal> {
    return ArmGoal{c.memory.vec.at(key), c.memory.quat.at(tag), g.open_to, kSlow};
  };
  descend.tolerance = 0.008;
  descend.max_steps = 80;

  Stage& close = stages[2];
  close.name = name + "_close";
  close.goal[a] = [g, key, tag](const StageContext& c) -> std::optional<ArmGoal> {
    return ArmGoal{c.memory.vec.at(key), c.memory.quat.at(tag), g.close_to, kSlow};
  };
  close.done = [](const StageContext& c) { return c.steps >= kGripSteps; };

  Stage& lift = stages[3];
  lift.name = name + "_lift";
  lift.goal[a] = [g, key, tag](const StageContext& c) -> std::optional<ArmGoal> {
    return ArmGoal{Add(c.memory.vec.at(key), {0, 0, g.lift}), c.memory.quat.at(tag), g.close_to, kCruise * 0.7};
  };
  lift.tolerance = 0.02;
  lift.max_steps = 60;
  return stages;
}

std::vector<Stage> PlaceStages(const PlaceSpec& p, const std::string& name) {
  const int a = Index(p.hand);
  const std::string tag = name + "/" + std::to_string(a);
  const Hand hand = p.hand;
  const std::string offset = tag + "/offset";
  const auto orientation = [p, a](const StageContext& c) {
    return p.orientation ? p.orientation(c.view) : c.commands[a].quat();
  };
  // The hand's offset from the held point, taken when a stage begins: the
  // object hangs in the fingers however the grasp left it.
  const EnterFn note_offset = [p, offset, hand](const StageContext& c) {
    c.memory.vec[offset] = Sub(c.view.arm(hand).pos, p.held(c.view));
  };
  std::vector<Stage> stages;

  Stage carry;
  carry.name = name + "_carry";
  carry.enter = [p, hand, offset, tag](const StageContext& c) {
    c.memory.vec[offset] = Sub(c.view.arm(hand).pos, p.held(c.view));
    c.memory.vec[tag + "/from"] = p.held(c.view);
  };
  carry.goal[a] = [p, a, offset, tag](const StageContext& c) -> std::optional<ArmGoal> {
    const Vec3 spot = p.spot(c.view);
    const Vec3& held_offset = c.memory.vec.at(offset);
    Vec3 over = Add(Add(spot, held_offset), {0, 0, p.clearance + p.above});
    // High enough that the object's bottom passes over the randomized
    // setting's clutter on the way.
    const double clutter = c.view.ClutterTopAlong(c.memory.vec.at(tag + "/from"), spot, kCarryReach);
    over[2] = std::max(over[2], clutter + kClutterClearance + held_offset[2] + p.bottom_below);
    // Up first where the spot is higher (a drawer's or a box's walls stand
    // between), then across (motion_primitives' transit).
    MotionConvention transit;
    transit.transit_tolerance = kTransitTolerance;
    const Quat q = p.orientation ? p.orientation(c.view) : c.commands[a].quat();
    return ArmGoal{TransitPoint(c.commands[a].pos(), over, transit), q, kGripperClosed, p.speed};
  };
  carry.tolerance = 0.012;
  carry.max_steps = 150;
  stages.push_back(carry);
  if (p.settle_steps > 0) {
    Stage settle;
    settle.name = name + "_settle";
    settle.done = [p](const StageContext& c) { return c.steps >= p.settle_steps; };
    stages.push_back(settle);
  }

  Stage lower;
  lower.name = name + "_lower";
  lower.enter = note_offset;
  lower.goal[a] = [p, offset, orientation](const StageContext& c) -> std::optional<ArmGoal> {
    const Vec3 spot = p.spot(c.view);
    return ArmGoal{Add(Add(spot, c.memory.vec.at(offset)), {0, 0, p.above}), orientation(c), kGripperClosed, kSlow};
  };
  lower.tolerance = 0.006;
  lower.max_steps = 80;
  stages.push_back(lower);
  if (!p.release) return stages;

  Stage open;
  open.name = name + "_open";
  open.goal[a] = [hand](const StageContext& c) -> std::optional<ArmGoal> {
    const ArmCommand& cmd = c.commands[Index(hand)];
    return ArmGoal{cmd.pos(), cmd.quat(), kGripperOpen, kSlow};
  };
  open.done = [](const StageContext& c) { return c.steps >= kGripSteps; };
  stages.push_back(open);

  Stage retreat;
  retreat.name = name + "_retreat";
  retreat.enter = [hand, tag](const StageContext& c) {
    c.memory.vec[tag + "/retreat"] = Add(c.commands[Index(hand)].pos(), {0, 0, 0});
  };
  retreat.goal[a] = [p, tag, hand](const StageContext& c) -> std::optional<ArmGoal> {
    return ArmGoal{Add(c.memory.vec.at(tag + "/retreat"), {0, 0, p.retreat}), c.commands[Index(hand)].quat(),
                   kGripperOpen, kCruise};
  };
  retreat.tolerance = 0.03;
  retreat.max_steps = 40;
  stages.push_back(retreat);
  return stages;
}

}  // namespace gauntlet::policies::scripted::dualarm
