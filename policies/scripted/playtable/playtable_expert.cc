#include "policies/scripted/playtable/playtable_expert.h"

#include "harness/policy.h"
#include "policies/scripted/playtable/block_grasp.h"
#include "policies/scripted/playtable/button_skill.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/disengage.h"
#include "policies/scripted/playtable/drawer_skill.h"
#include "policies/scripted/playtable/pick_skill.h"
#include "policies/scripted/playtable/place_skill.h"
#include "policies/scripted/playtable/playtable_motion.h"
#include "policies/scripted/playtable/push_skill.h"
#include "policies/scripted/playtable/rotate_skill.h"
#include "policies/scripted/playtable/slider_skill.h"
#include "policies/scripted/playtable/switch_skill.h"

namespace gauntlet::policies::scripted::playtable {

namespace {
// Still steps at the start of a subtask: the controller lags the stored
// target by about 1.5 steps at full speed and has caught up after 3.
constexpr int kSettleSteps = 3;

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The block a task names ("lift_red_block_table" -> red), or -1.
int NamedBlock(const std::string& task) {
  static const char* colours[kBlockCount] = {"_red_", "_blue_", "_pink_"};
  for (int b = 0; b < kBlockCount; ++b) {
    if (task.find(colours[b]) != std::string::npos) return b;
  }
  return -1;
}

bool KeepsBlock(const std::string& task) {
  return task == "place_in_slider" || task == "place_in_drawer" || task == "stack_block";
}
}  // namespace

void PlaytableExpert::Reset() {
  stage_ = Stage::kSettle;
  settle_steps_ = 0;
  task_stage_ = 0;
  script_.Clear();
  task_.clear();
}

std::string PlaytableExpert::phase_name() const {
  switch (stage_) {
    case Stage::kSettle: return "settle";
    case Stage::kLetGo: return "let go: " + script_.phase();
    case Stage::kResync: return "resync";
    case Stage::kWithdraw: return "withdraw: " + script_.phase();
    case Stage::kTaskPart:
    case Stage::kTask: return task_ + ": " + script_.phase();
  }
  return "";
}

bool PlaytableExpert::PlanTask(const PrivilegedState& s, const HandGoal& from) {
  script_.Clear();
  const int stage = task_stage_++;
  if (StartsWith(task_, "lift_") && EndsWith(task_, "_slider") && stage == 0) {
    // First the door out of the way if it hides part of the block.
    const double x = ViewBlock(s, NamedBlock(task_)).pos[0];
    if (DoorInTheWay(s, x)) {
      AddClearDoor(script_, s, from, x);
      return false;
    }
  }
  if (task_ == "move_slider_left") {
    AddMoveSlider(script_, s, from, -1.0);
  } else if (task_ == "move_slider_right") {
    AddMoveSlider(script_, s, from, +1.0);
  } else if (task_ == "open_drawer") {
    AddOpenDrawer(script_, s, from);
  } else if (task_ == "close_drawer") {
    AddCloseDrawer(script_, s, from);
  } else if (task_ == "turn_on_led" || task_ == "turn_off_led") {
    AddPressButton(script_, s, from);
  } else if (task_ == "turn_on_lightbulb") {
    AddSlideSwitch(script_, s, from, true);
  } else if (task_ == "turn_off_lightbulb") {
    AddSlideSwitch(script_, s, from, false);
  } else if (StartsWith(task_, "lift_") && NamedBlock(task_) >= 0) {
    AddPickBlock(script_, s, from, NamedBlock(task_));
  } else if (task_ == "unstack_block") {
    const int top = TopOfStack(s);
    if (top < 0) throw PolicyError("playtable oracle: unstack_block but no block rests on another");
    AddPickBlock(script_, s, from, top);
  } else if (task_ == "place_in_slider") {
    AddPlaceInSlider(script_, s, from);
  } else if (task_ == "place_in_drawer") {
    AddPlaceInDrawer(script_, s, from);
  } else if (task_ == "stack_block") {
    AddStackBlock(script_, s, from);
  } else if (StartsWith(task_, "rotate_") && NamedBlock(task_) >= 0) {
    AddRotateBlock(script_, s, from, NamedBlock(task_), EndsWith(task_, "_left") ? 1.0 : -1.0);
  } else if (StartsWith(task_, "push_") && NamedBlock(task_) >= 0) {
    // Pushed most of the way, then carried the rest (push_skill.h).
    const int block = NamedBlock(task_);
    const double direction = EndsWith(task_, "_left") ? -1.0 : 1.0;
    if (stage == 0) {
      push_origin_ = ViewBlock(s, block).pos;
      // Carried the rest only where no other block stands near its spot
      // (the fingers need room, and a block it pushes along must stay).
      const bool carry =
          RoomToSetDown(s, ViewBlock(s, block), {push_origin_[0] + direction * kPushedInAll, push_origin_[1]});
      AddPushBlock(script_, s, from, block, direction, carry);
      return !carry;
    }
    const double y = ViewBlock(s, block).pos[1];
    AddShiftBlock(script_, s, from, block, {push_origin_[0] + direction * kPushedInAll, y});
  } else if (task_ == "push_into_drawer") {
    if (stage > 0) {
      AddPlaceInDrawer(script_, s, from);
      return true;
    }
    const int block = TableBlock(s);
    if (block < 0) throw PolicyError("playtable oracle: push_into_drawer but no block rests on the table");
    if (FallsIntoDrawer(s, block)) {
      AddPushIntoDrawer(script_, s, from, block);
    } else {
      AddPickBlock(script_, s, from, block);  // carried in instead
      return false;
    }
  } else {
    throw PolicyError("playtable oracle: no skill for task '" + task_ + "'");
  }
  return true;
}

Action PlaytableExpert::Act(const PrivilegedState& s) {
  const MotionConvention& c = kPlaytableMotion;
  if (stage_ == Stage::kSettle) {
    if (settle_steps_ == 0) {
      task_ = GoalTask(s);
      if (task_.empty()) throw PolicyError("playtable oracle: the state names no task");
      grip_ = HandClosed(s) ? Grip::kClose : Grip::kOpen;
    }
    if (settle_steps_++ < kSettleSteps) return StillAction(grip_);
    target_.Reset(s.eef);
    const HandGoal now{target_.position(), target_.euler(), grip_};
    script_.Clear();
    if (KeepsBlock(task_) && HeldBlockIndex(s) >= 0) {
      stage_ = Stage::kWithdraw;  // nothing to let go of or withdraw from
    } else {
      AddLetGoFirst(script_, s, now);
      stage_ = Stage::kLetGo;
    }
  }
  if (stage_ == Stage::kLetGo && script_.done()) {
    stage_ = Stage::kResync;
    settle_steps_ = 0;
  }
  if (stage_ == Stage::kResync) {
    if (settle_steps_++ < kSettleSteps) return StillAction(Grip::kOpen);
    // The hand, free now, sits on the stored target.
    target_.Reset(s.eef);
    script_.Clear();
    AddWithdraw(script_, {target_.position(), target_.euler(), Grip::kOpen});
    stage_ = Stage::kWithdraw;
  }
  if ((stage_ == Stage::kWithdraw || (stage_ == Stage::kTaskPart && script_.done()))) {
    if (stage_ == Stage::kTaskPart || script_.done()) {
      // Where the script left the target (exactly: its euler may be whole
      // turns from the waypoint's).
      const HandGoal from{target_.goal_position(), target_.goal_euler(), script_.Last({{}, {}, grip_}).grip};
      stage_ = PlanTask(s, from) ? Stage::kTask : Stage::kTaskPart;
    }
  }
  (void)c;
  return script_.Act(s, target_);
}

Action PlaytableExpert::ActAbsolute(const PrivilegedState& s) {
  const Action relative = Act(s);
  const bool target_read = stage_ != Stage::kSettle;
  const Vec3 position = target_read ? target_.position() : Vec3{s.eef.pos[0], s.eef.pos[1], s.eef.pos[2]};
  const Euler euler = target_read ? target_.euler() : QuatToEuler(s.eef.quat);
  return {position[0], position[1], position[2], euler[0], euler[1], euler[2], relative[6]};
}

Action PlaytableExpert::StillAction(Grip grip) const {
  Action a(7, 0.0);
  a[6] = GripperValue(grip, kPlaytableMotion);
  return a;
}

}  // namespace gauntlet::policies::scripted::playtable
