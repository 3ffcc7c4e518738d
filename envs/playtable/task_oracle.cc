#include "envs/playtable/task_oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include <Eigen/Geometry>

#include "harness/check.h"

namespace gauntlet::envs::playtable {

namespace {

// Records why a rule failed when the caller asked; returns false so a rule can
// `return Fail(...)`. Formatting only happens when asked: the environment asks
// every control step without wanting a reason.
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
bool Fail(std::string* why_not, const char* format, ...) {
  if (why_not == nullptr) return false;
  char text[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  *why_not = text;
  return false;
}

bool Contains(const ContactSet& contacts, const ContactRef& ref) {
  return contacts.count(ref) > 0;
}

bool TouchesAnyBlock(const ContactSet& contacts) {
  return std::any_of(contacts.begin(), contacts.end(),
                     [](const ContactRef& c) { return c.kind == ContactRef::Kind::kBlock; });
}

bool TouchesOnlyBlocks(const ContactSet& contacts) {
  return std::all_of(contacts.begin(), contacts.end(),
                     [](const ContactRef& c) { return c.kind == ContactRef::Kind::kBlock; });
}

// CALVIN's "contact bodies == {robot}": the robot is one body and one entry.
bool TouchesOnlyRobot(const ContactSet& contacts) {
  return contacts.size() == 1 && Contains(contacts, ContactRef::Robot());
}

ContactSet WithoutRobot(ContactSet contacts) {
  contacts.erase(ContactRef::Robot());
  return contacts;
}

bool IsSlow(const BlockInfo& block) {
  auto below = [](const std::array<double, 3>& v) {
    return std::all_of(v.begin(), v.end(),
                       [](double c) { return std::abs(c) < kStackMaxVelocity; });
  };
  return below(block.linear_velocity) && below(block.angular_velocity);
}

// rotate_object(block, ±60): the block turns about the vertical in place and
// ends resting on something (a block turned in the gripper, in the air, fails).
bool Rotated(int block, double sign, const SceneInfo& start, const SceneInfo& now,
             std::string* why_not) {
  const BlockInfo& b0 = start.blocks[block];
  const BlockInfo& b1 = now.blocks[block];
  const double moved = std::hypot(b1.position[0] - b0.position[0], b1.position[1] - b0.position[1],
                                  b1.position[2] - b0.position[2]);
  if (moved > kRotateMaxMovement) {
    return Fail(why_not, "%s block moved %.3f m, at most %.2f allowed", BlockName(block), moved,
                kRotateMaxMovement);
  }
  if (WithoutRobot(b1.contacts).empty()) {
    return Fail(why_not, "%s block rests on nothing but the robot", BlockName(block));
  }
  const std::array<double, 3> xyz = RelativeRotationDegrees(b0.orientation, b1.orientation);
  // Left turns are positive about world z.
  const double low = sign > 0 ? kRotateMinDegrees : -kRotateMaxDegrees;
  const double high = sign > 0 ? kRotateMaxDegrees : -kRotateMinDegrees;
  if (!(low < xyz[2] && xyz[2] < high) || !(std::abs(xyz[0]) < kRotateMaxTiltDegrees) ||
      !(std::abs(xyz[1]) < kRotateMaxTiltDegrees)) {
    return Fail(why_not,
                "%s block rotated (x %.1f, y %.1f, z %.1f) deg; needs %.0f < z < %.0f and "
                "|x|, |y| < %.0f",
                BlockName(block), xyz[0], xyz[1], xyz[2], low, high, kRotateMaxTiltDegrees);
  }
  return true;
}

// push_object(block, ±0.1, 0): the block slides along x and keeps touching the
// surfaces (desk links, blocks) it started on.
bool Pushed(int block, double sign, const SceneInfo& start, const SceneInfo& now,
            std::string* why_not) {
  const ContactSet before = WithoutRobot(start.blocks[block].contacts);
  const ContactSet after = WithoutRobot(now.blocks[block].contacts);
  if (before.empty() || after.empty() ||
      !std::includes(after.begin(), after.end(), before.begin(), before.end())) {
    return Fail(why_not, "%s block lost a surface it started on", BlockName(block));
  }
  const double dx = now.blocks[block].position[0] - start.blocks[block].position[0];
  if (!(sign * dx > kPushDistance)) {
    return Fail(why_not, "%s block moved %.3f m along x; needs %s%.2f", BlockName(block), dx,
                sign > 0 ? "> " : "< -", kPushDistance);
  }
  return true;
}

// lift_object(block, height, table, link): the robot alone holds the block
// above where it started, and it started on `link`. CALVIN has the check that
// the robot did not already hold the block at start commented out, so a block
// grasped before the subtask counts.
bool Lifted(int block, double height, DeskLink link, const SceneInfo& start, const SceneInfo& now,
            std::string* why_not) {
  const double dz = now.blocks[block].position[2] - start.blocks[block].position[2];
  if (!(dz > height)) {
    return Fail(why_not, "%s block rose %.3f m; needs > %.2f", BlockName(block), dz, height);
  }
  if (!TouchesOnlyRobot(now.blocks[block].contacts)) {
    return Fail(why_not, "%s block touches something besides the robot, or not the robot",
                BlockName(block));
  }
  if (!Contains(start.blocks[block].contacts, ContactRef::OfDesk(link))) {
    return Fail(why_not, "%s block did not start on %s", BlockName(block), DeskLinkName(link));
  }
  return true;
}

// place_object(table, link): the block the robot held in the air at start now
// lies on `link`, released. The block is found from the robot's contacts, so
// a robot touching anything else at start (the desk, a second block) fails.
bool Placed(DeskLink link, const SceneInfo& start, const SceneInfo& now, std::string* why_not) {
  const ContactSet& held = start.robot_contacts;
  if (held.size() != 1 || held.begin()->kind != ContactRef::Kind::kBlock) {
    return Fail(why_not, "at start the robot did not touch exactly one block and nothing else");
  }
  const ContactRef block = *held.begin();
  const char* name = BlockName(block.index);
  if (Contains(now.robot_contacts, block)) {
    return Fail(why_not, "the robot still touches the %s block", name);
  }
  if (!TouchesOnlyRobot(start.blocks[block.index].contacts)) {
    return Fail(why_not, "at start the %s block was not held in the air", name);
  }
  if (!Contains(now.blocks[block.index].contacts, ContactRef::OfDesk(link))) {
    return Fail(why_not, "the %s block does not touch %s", name, DeskLinkName(link));
  }
  return true;
}

// stack_objects(max_vel=1): some block, free of other blocks at start, now
// rests on blocks alone (not the robot, not the desk) and has settled.
bool Stacked(const SceneInfo& start, const SceneInfo& now, std::string* why_not) {
  for (int b = 0; b < kBlockCount; ++b) {
    const ContactSet& after = now.blocks[b].contacts;
    if (!TouchesAnyBlock(start.blocks[b].contacts) && TouchesAnyBlock(after) &&
        TouchesOnlyBlocks(after) && IsSlow(now.blocks[b])) {
      return true;
    }
  }
  return Fail(why_not, "no block went from touching no block to resting, slowly, on blocks only");
}

// unstack_objects(max_vel=1): some block that rested, settled, on blocks
// alone at start now touches no block. The speed test is on the start
// snapshot, as in CALVIN.
bool Unstacked(const SceneInfo& start, const SceneInfo& now, std::string* why_not) {
  for (int b = 0; b < kBlockCount; ++b) {
    const ContactSet& before = start.blocks[b].contacts;
    if (TouchesAnyBlock(before) && TouchesOnlyBlocks(before) && IsSlow(start.blocks[b]) &&
        !TouchesAnyBlock(now.blocks[b].contacts)) {
      return true;
    }
  }
  return Fail(why_not, "no block went from resting on blocks only to touching no block");
}

// move_door_rel(joint, ±threshold): the sign of `threshold` is the direction.
bool DoorMoved(const char* joint, double q_start, double q_now, double threshold,
               std::string* why_not) {
  const double dq = q_now - q_start;
  if ((threshold > 0 && dq > threshold) || (threshold < 0 && dq < threshold)) return true;
  return Fail(why_not, "%s moved %.3f m; needs %s %.2f", joint, dq, threshold > 0 ? ">" : "<",
              threshold);
}

bool Toggled(const char* light, int s_start, int s_now, int from, int to, std::string* why_not) {
  if (s_start == from && s_now == to) return true;
  return Fail(why_not, "%s went %d -> %d; needs %d -> %d", light, s_start, s_now, from, to);
}

// push_object_into(blocks, table, base_link, table, drawer_link): some block
// that lay on the desk top alone now touches the drawer. CALVIN also means to
// exclude robot contact at start and now, but its test compares the robot's id
// with (body, link) pairs and never fires; robot contact at start still fails
// through "exactly one contact", robot contact now does not fail. Kept so, to
// score as CALVIN does.
bool PushedIntoDrawer(const SceneInfo& start, const SceneInfo& now, std::string* why_not) {
  const ContactSet desk_top_only = {ContactRef::OfDesk(DeskLink::kBase)};
  for (int b = 0; b < kBlockCount; ++b) {
    if (start.blocks[b].contacts == desk_top_only &&
        Contains(now.blocks[b].contacts, ContactRef::OfDesk(DeskLink::kDrawer))) {
      return true;
    }
  }
  return Fail(why_not, "no block went from touching only base_link to touching drawer_link");
}

int CheckedBlock(const PlaytableTask& task) {
  GAUNTLET_CHECK(task.block >= 0 && task.block < kBlockCount,
                 "task " + task.name + " needs a block, has " + std::to_string(task.block));
  return task.block;
}

}  // namespace

std::array<double, 3> RelativeRotationDegrees(const std::array<double, 4>& from,
                                              const std::array<double, 4>& to) {
  const Eigen::Quaterniond q_from(from[0], from[1], from[2], from[3]);
  const Eigen::Quaterniond q_to(to[0], to[1], to[2], to[3]);
  const Eigen::Matrix3d r = (q_to.normalized() * q_from.normalized().inverse()).toRotationMatrix();
  // R = Rz(c) Ry(b) Rx(a) has r20 = -sin b, (r21, r22) = cos b (sin a, cos a) and
  // (r10, r00) = cos b (sin c, cos c). Eigen's eulerAngles() uses other ranges
  // (first angle in [0, pi]), so the angles are taken directly. At b = ±90 deg
  // a and c are not unique, but no rule can pass there (|y| < 30), so the
  // choice does not matter.
  const double a = std::atan2(r(2, 1), r(2, 2));
  const double b = std::asin(std::clamp(-r(2, 0), -1.0, 1.0));
  const double c = std::atan2(r(1, 0), r(0, 0));
  constexpr double kDegreesPerRadian = 180.0 / EIGEN_PI;
  return {a * kDegreesPerRadian, b * kDegreesPerRadian, c * kDegreesPerRadian};
}

bool TaskSucceeded(const PlaytableTask& task, const SceneInfo& start, const SceneInfo& now,
                   std::string* why_not) {
  switch (task.kind) {
    case TaskKind::kRotateRight: return Rotated(CheckedBlock(task), -1.0, start, now, why_not);
    case TaskKind::kRotateLeft: return Rotated(CheckedBlock(task), +1.0, start, now, why_not);
    case TaskKind::kPushRight: return Pushed(CheckedBlock(task), +1.0, start, now, why_not);
    case TaskKind::kPushLeft: return Pushed(CheckedBlock(task), -1.0, start, now, why_not);
    case TaskKind::kMoveSliderLeft:
      return DoorMoved("base__slide", start.slide_position, now.slide_position,
                       +kSliderMoveDistance, why_not);
    case TaskKind::kMoveSliderRight:
      return DoorMoved("base__slide", start.slide_position, now.slide_position,
                       -kSliderMoveDistance, why_not);
    case TaskKind::kOpenDrawer:
      return DoorMoved("base__drawer", start.drawer_position, now.drawer_position,
                       +kDrawerMoveDistance, why_not);
    case TaskKind::kCloseDrawer:
      return DoorMoved("base__drawer", start.drawer_position, now.drawer_position,
                       -kDrawerMoveDistance, why_not);
    case TaskKind::kLiftFromTable:
      return Lifted(CheckedBlock(task), kLiftFromTableHeight, DeskLink::kBase, start, now, why_not);
    case TaskKind::kLiftFromSlider:
      return Lifted(CheckedBlock(task), kLiftFromSliderHeight, DeskLink::kPlank, start, now,
                    why_not);
    case TaskKind::kLiftFromDrawer:
      return Lifted(CheckedBlock(task), kLiftFromDrawerHeight, DeskLink::kDrawer, start, now,
                    why_not);
    case TaskKind::kPlaceInSlider: return Placed(DeskLink::kPlank, start, now, why_not);
    case TaskKind::kPlaceInDrawer: return Placed(DeskLink::kDrawer, start, now, why_not);
    case TaskKind::kStack: return Stacked(start, now, why_not);
    case TaskKind::kUnstack: return Unstacked(start, now, why_not);
    case TaskKind::kTurnOnLightbulb:
      return Toggled("lightbulb", start.lightbulb, now.lightbulb, 0, 1, why_not);
    case TaskKind::kTurnOffLightbulb:
      return Toggled("lightbulb", start.lightbulb, now.lightbulb, 1, 0, why_not);
    case TaskKind::kTurnOnLed: return Toggled("led", start.led, now.led, 0, 1, why_not);
    case TaskKind::kTurnOffLed: return Toggled("led", start.led, now.led, 1, 0, why_not);
    case TaskKind::kPushIntoDrawer: return PushedIntoDrawer(start, now, why_not);
  }
  GAUNTLET_CHECK(false, "task " + task.name + " has an unknown kind");
  return false;
}

}  // namespace gauntlet::envs::playtable
