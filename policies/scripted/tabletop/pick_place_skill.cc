#include "policies/scripted/tabletop/pick_place_skill.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "policies/scripted/motion_primitives.h"
#include "policies/scripted/tabletop/align_turn.h"
#include "policies/scripted/tabletop/expert_geometry.h"
#include "policies/scripted/tabletop/grasp_plan.h"
#include "policies/scripted/tabletop/mouth.h"
#include "policies/scripted/tabletop/tabletop_motion.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kRimWall = 0.008;        // a rim's wall thickness with some play
constexpr double kBlockedGrasp = -0.004;  // best grasp's room below which a neighbour is moved aside
constexpr int kMaxRelocations = 2;        // per episode
constexpr int kRetreatSteps = 8;          // up and away from what was let go
}  // namespace

void PickPlaceSkill::Reset() {
  phase_ = Phase::kDone;
  phase_steps_ = 0;
  still_steps_ = 0;
  last_object_pos_ = {};
  carry_.object.clear();
  relocations_ = 0;
}

const char* PickPlaceSkill::phase_name() const {
  static const char* const kNames[] = {"approach", "descend", "close",   "lift",    "carry", "lower",
                                       "insert",   "release", "retreat", "recover", "plan"};
  return kNames[static_cast<int>(phase_)];
}

bool PickPlaceSkill::Plan(const PrivilegedState& s, const std::vector<std::string>& atom) {
  if (!s.objects.count(atom[1])) return false;
  carry_.object = atom[1];
  const std::string& target = atom[2];
  carry_.rim_z = 0;
  insert_ = false;
  place_turn_ = 0;
  std::optional<std::array<double, 2>> mouth_out;
  if (auto it = s.objects.find(target); it != s.objects.end()) {
    // Inside a rimmed body it fits in (a bowl on a plate), else on its top.
    const auto& support = it->second;
    const auto& carried = s.objects.at(carry_.object);
    const bool fits = support.rim_radius > 0 &&
                      std::hypot(carried.half_extent[0], carried.half_extent[1]) < support.rim_radius - kRimWall;
    carry_.target = {support.pose.pos[0], support.pose.pos[1],
                     fits ? support.pose.pos[2] + support.support_height : Top(support)};
  } else if (auto r = s.regions.find(target); r != s.regions.end()) {
    const auto& site = r->second;
    const auto spot = PutDownSpot(s, site, target, carry_.object);
    // Into a container, long side along long side (a book into a caddy's slot).
    if (atom[0] == "in") place_turn_ = AlignTurn(s.objects.at(carry_.object), site);
    carry_.target = {spot[0], spot[1], site.pose.pos[2] + (atom[0] == "on" ? site.half_size[2] : -site.half_size[2])};
    // Into a container: over its walls (the region's top) until above it.
    carry_.rim_z = atom[0] == "in" ? site.pose.pos[2] + site.half_size[2] : 0.0;
    if (atom[0] == "in" && site.enclosed && s.objects.count(site.parent)) {
      // Under a roof: stand it in the mouth; the closing door pushes it in.
      const Mouth mouth = MouthOf(s, site);
      insert_ = true;
      insert_to_ = mouth.inner;
      mouth_out = mouth.out;
      carry_.target = {mouth.outer[0], mouth.outer[1], site.pose.pos[2] - site.half_size[2]};
      carry_.rim_z = 0;
    }
  } else {
    return false;
  }
  std::string blocker;
  const double room = PlanGrasp(s, place_turn_, mouth_out, &carry_, &blocker);
  // A neighbour standing where the hand must go (a carton 3 cm from the box
  // to pick, under the hand's 19 cm palm): move it out of the way first.
  if (room < kBlockedGrasp && !blocker.empty() && relocations_ < kMaxRelocations) {
    if (auto spot = ClearSpot(s, blocker, carry_.object)) {
      ++relocations_;
      carry_.object = blocker;
      carry_.target = {(*spot)[0], (*spot)[1], s.objects.at(blocker).pose.pos[2]};
      carry_.rim_z = 0;
      insert_ = false;
      place_turn_ = 0;
      PlanGrasp(s, place_turn_, std::nullopt, &carry_, nullptr);
    }
  }
  phase_ = Phase::kApproach;
  phase_steps_ = 0;
  return true;
}

bool PickPlaceSkill::Slipped(const PrivilegedState& s) const {
  const Vec3& o = s.objects.at(carry_.object).pose.pos;
  const Vec3& tcp = s.eef.pos;
  // Where it sat in the hand after lifting, turned with the hand since.
  const double turn = Yaw(s.eef.quat) - held_yaw_, c = std::cos(turn), sn = std::sin(turn);
  const double hx = c * held_offset_[0] - sn * held_offset_[1], hy = sn * held_offset_[0] + c * held_offset_[1];
  return std::hypot(o[0] - tcp[0] - hx, o[1] - tcp[1] - hy, o[2] - tcp[2] - held_offset_[2]) > 0.03;
}

Action PickPlaceSkill::Act(const PrivilegedState& s) {
  const MotionConvention& m = kTabletopMotion;
  const auto& obj = s.objects.at(carry_.object);
  const Pose& hand = s.eef;
  const Vec3& tcp = hand.pos;
  const Vec3& o = obj.pose.pos;
  const GraspPose& grasp = carry_.grasp;
  const Vec3& target = carry_.target;
  auto dist = [](const Vec3& a, const Vec3& b) {
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  };
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  // A failed grasp or a dropped object: let go, back off and re-plan once the
  // object has come to rest (planning on a falling or rocking object aims the
  // fingers at where it no longer is).
  auto recover = [&]() {
    still_steps_ = 0;
    go(Phase::kRecover);
  };
  ++phase_steps_;
  const double xy_err = std::hypot(target[0] - o[0], target[1] - o[1]);
  const double moved = dist(o, last_object_pos_);
  last_object_pos_ = o;
  // The controller tracks at most ~1 cm per step; a full-scale command keeps
  // it at that speed, and the goal is clipped to the target so it stops there.
  Action a;
  switch (phase_) {
    case Phase::kApproach: {
      const Vec3 above = TransitPoint(tcp, {grasp.tcp[0], grasp.tcp[1], grasp.tcp[2] + kApproachHeight}, m);
      a = Approach(hand, Pose{above, HandDown(grasp.yaw)}, m.metres_per_unit, Grip::kOpen, m);
      const double yaw_err = std::abs(WrapAngle(Yaw(s.eef.quat) - grasp.yaw));
      if ((dist(tcp, above) < m.via_tolerance && yaw_err < m.heading_tolerance) || phase_steps_ > 60) {
        go(Phase::kDescend);
      }
      break;
    }
    case Phase::kDescend: {
      Vec3 t = grasp.tcp;
      int limit = 20;
      if (obj.rim_radius == 0) {
        // Across the body the fingers clear it by ~5 mm a side, less than
        // the controller's steady sideways error near the floor (up to
        // ~8 mm): hover with the fingertips just above the top and trim the
        // commanded position (integral action) until the hand is centred,
        // then go down.
        const double ex = t[0] - tcp[0], ey = t[1] - tcp[1], err = std::hypot(ex, ey);
        const double hover_z = Top(obj) + kTipBelowTcp + 0.01;
        if (phase_steps_ == 1) {
          xy_trim_ = {0, 0};
          centred_ = false;
        }
        // Latched with hysteresis: going down starts the trim swinging a little.
        if (err < 0.003) {
          centred_ = true;
        } else if (err > 0.006 && tcp[2] - kTipBelowTcp > Top(obj)) {
          centred_ = false;
        }
        if (!centred_) t[2] = std::max(t[2], hover_z);
        if (err < 0.02) {
          xy_trim_[0] = std::clamp(xy_trim_[0] + 0.2 * ex, -0.02, 0.02);
          xy_trim_[1] = std::clamp(xy_trim_[1] + 0.2 * ey, -0.02, 0.02);
        }
        t[0] += xy_trim_[0];
        t[1] += xy_trim_[1];
        limit = 60;
      }
      a = Approach(hand, Pose{t, HandDown(grasp.yaw)}, 0.025, Grip::kOpen, m);
      if (dist(tcp, grasp.tcp) < 0.005 || phase_steps_ > limit) go(Phase::kClose);
      break;
    }
    case Phase::kClose:
      a = Grasp(hand, grasp.tcp, HandDown(grasp.yaw), 0.01, m);
      if (phase_steps_ >= m.finger_travel_steps) go(Phase::kLift);
      break;
    case Phase::kLift: {
      // Straight up, clear of the start (drawer walls) and of whatever lies
      // between here and the target.
      const double lift_z = PathClearanceZ(s, carry_, o[0], o[1]);
      // A handle fin over the object (a drawer's tab above a bowl in front
      // of it): slide out from under it, barely lifted, before going up.
      if (const auto away = FinOverhead(s, obj)) {
        const Vec3 t{tcp[0] + (*away)[0] * 0.015, tcp[1] + (*away)[1] * 0.015,
                     tcp[2] + std::max(0.0, carry_.start_z + 0.01 - o[2])};
        a = Approach(hand, Pose{t, HandDown(grasp.yaw)}, m.metres_per_unit, Grip::kClose, m);
      } else {
        a = Lift(hand, tcp[2] + (lift_z - o[2]), HandDown(grasp.yaw), m.metres_per_unit, Grip::kClose, m);
      }
      if (s.gripper_opening < kEmptyGrip ||
          (tcp[2] - grasp.tcp[2] > 0.04 && o[2] - carry_.start_z < 0.01 && !FinOverhead(s, obj))) {
        recover();  // closed on nothing, or the object stayed behind
      } else if (o[2] > lift_z - 0.01 || phase_steps_ > 30) {
        held_offset_ = {o[0] - tcp[0], o[1] - tcp[1], o[2] - tcp[2]};
        held_yaw_ = Yaw(s.eef.quat);
        go(Phase::kCarry);
      }
      break;
    }
    case Phase::kCarry: {
      // Towards the target, sinking as soon as the rest of the way is clear;
      // below the obstacles, up first.
      const double carry_z = PathClearanceZ(s, carry_, o[0], o[1]);
      const Quat turned = HandDown(grasp.yaw + place_turn_);
      if (o[2] < carry_z - 0.015) {
        a = Lift(hand, tcp[2] + carry_z - o[2], turned, m.metres_per_unit, Grip::kClose, m);
      } else {
        a = Carry(hand, o, {target[0], target[1], carry_z}, turned, m.metres_per_unit, m);
      }
      if (s.gripper_opening < kEmptyGrip || Slipped(s)) {
        recover();
      } else if (xy_err < 0.008 || phase_steps_ > 90) {
        go(Phase::kLower);
      }
      break;
    }
    case Phase::kLower: {
      // Fast down to a couple of centimetres above the support, then gently.
      const double goal_z = target[2] + 0.008;
      a = Place(hand, o, {target[0], target[1], goal_z}, HandDown(grasp.yaw + place_turn_), 0.03, 0.015, m);
      if (s.gripper_opening < kEmptyGrip || Slipped(s)) {
        recover();
      } else if ((o[2] - goal_z < 0.006 && xy_err < 0.01) || phase_steps_ > 40) {
        go(insert_ ? Phase::kInsert : Phase::kRelease);
      }
      break;
    }
    case Phase::kInsert: {
      // Slide it level into the mouth, as far as the wrist clears the roof.
      const double ex = insert_to_[0] - o[0], ey = insert_to_[1] - o[1];
      a = Approach(hand, Pose{{tcp[0] + ex, tcp[1] + ey, tcp[2]}, HandDown(grasp.yaw + place_turn_)}, 0.015,
                   Grip::kClose, m);
      if (s.gripper_opening < kEmptyGrip || Slipped(s)) {
        recover();
      } else if (std::hypot(ex, ey) < 0.006 || phase_steps_ > 40) {
        go(Phase::kRelease);
      }
      break;
    }
    case Phase::kRelease:
      a = Release(hand, HandDown(grasp.yaw), m);
      if (phase_steps_ >= m.finger_travel_steps) go(Phase::kRetreat);
      break;
    case Phase::kRetreat:
      a = Lift(hand, tcp[2] + 0.05, HandDown(grasp.yaw), 0.02, Grip::kOpen, m);
      if (phase_steps_ >= kRetreatSteps) go(Phase::kDone);
      break;
    case Phase::kRecover:
      a = Lift(hand, tcp[2] + 0.05, HandDown(grasp.yaw), 0.02, Grip::kOpen, m);
      still_steps_ = moved < 0.001 ? still_steps_ + 1 : 0;
      if ((phase_steps_ >= 4 && still_steps_ >= 3) || phase_steps_ > 30) go(Phase::kDone);
      break;
    case Phase::kDone:  // not reached: the expert plans again first
      a = Release(hand, HandDown(grasp.yaw), m);
      break;
  }
  return a;
}

}  // namespace gauntlet::policies::scripted::tabletop
