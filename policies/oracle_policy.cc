#include "policies/oracle_policy.h"

#include <algorithm>
#include <cmath>

#include "policies/expert_geometry.h"

namespace gauntlet::policies {

namespace {

constexpr double kMaxStep = 0.05;   // metres per unit action (tabletop interface)
constexpr double kMaxTurn = 0.5;    // radians per unit action
constexpr double kRimGraspDepth = 0.0165;  // TCP below the rim for a wall grasp
// Horizontal distances from the arm's base (m) between which a top-down grasp
// keeps the arm well inside its workspace.
constexpr double kReachNear = 0.40, kReachFar = 0.68;
constexpr double kLiftClearance = 0.07;   // lift above the start first: out of a drawer (walls 5.5 cm)
constexpr double kPathClearance = 0.025;  // object bottom above anything it passes over
constexpr double kPathMargin = 0.02;      // horizontal margin around the carried object's footprint
constexpr double kWallAllowance = 0.02;   // container walls beyond its region site
// Gripper opening below which the hand holds nothing: empty fingers close
// past each other (about -0.017 m), a held 6 mm bowl wall reads ~8 mm and a
// jolt can squeeze that to ~2 mm, which must not count as a lost grasp.
constexpr double kEmptyGrip = 0.0;
constexpr double kApproachHeight = 0.08;  // TCP above the grasp before descending
constexpr double kRimWall = 0.008;        // a rim's wall thickness with some play
constexpr double kFingerFloorClearance = 0.012;  // fingertips at least this far above what they pass over
constexpr double kHandleHalfHeight = 0.015;      // a handle fin above its grip point
constexpr double kPalmClearance = 0.01;          // palm above and beside what it passes
constexpr double kBackOffHeight = 0.08;   // lift after working a joint
constexpr double kBlockedGrasp = -0.004;  // best grasp's room below which a neighbour is moved aside
constexpr int kMaxRelocations = 2;        // per episode
constexpr double kEnoughRoom = 0.02;      // room around a spot beyond which more does not count
// Joints.
constexpr double kOpenEnough = 0.03;      // a drawer this close to its open target counts as open
constexpr double kSlideTolerance = 0.01, kHingeTolerance = 0.05;  // joint at its target (m, rad)
constexpr int kStallSteps = 25;           // steps without the joint getting closer: stuck
constexpr int kMaxWorkSteps = 120;
// Doors, pushed round by the palm.
constexpr double kDoorRadius = 0.1;         // a hinged part whose handle is this far out is a door
constexpr double kDoorPushStandoff = 0.045; // hand axis from the door's fin, behind its swing: palm 5 mm off
constexpr double kDoorPushDepth = 0.1;      // below the fin: about the middle of the door
constexpr double kDoorPushLead = 0.1;       // rad the hand stays ahead of the door
constexpr double kDoorTolerance = 0.003;    // rad: a door this near its stop is there
// Mouths of regions under a roof (a microwave).
constexpr double kMouthApproach = 0.05;     // set down this far outside, then slid in
constexpr double kMouthTolerance = 0.025;   // standing this near its spot in the mouth

// Where to head for `above` (a point over the next grasp): while still away
// from it horizontally, not lower than the hand is now, so that the hand
// moving across never sweeps through what it has just left (a drawer it
// opened, a rack) or knocks what stands in between.
Vec3 Transit(const PrivilegedState& s, const Vec3& above) {
  const double away = std::hypot(above[0] - s.eef.pos[0], above[1] - s.eef.pos[1]);
  if (away < 0.02) return above;
  // Up first where the next grasp is higher (a door's fin): rising on the way
  // would sweep the hand through what stands below it.
  if (s.eef.pos[2] < above[2] - 0.02) return {s.eef.pos[0], s.eef.pos[1], above[2]};
  return {above[0], above[1], std::max(above[2], s.eef.pos[2])};
}

}  // namespace

PolicyInfo OraclePolicy::info() const {
  PolicyInfo info;
  info.name = "oracle";
  info.kind = "oracle";
  info.action_spec = LiberoEefDeltaSpec();
  info.needs.privileged = true;
  info.settings_json = R"({"version":1})";
  return info;
}

const char* OraclePolicy::phase_name() const {
  static const char* const kNames[] = {"plan",    "approach", "descend",         "close",          "lift",
                                       "carry",   "lower",    "insert",          "release",        "retreat",
                                       "recover", "handle approach", "handle descend", "handle close", "work",
                                       "let go",  "back off"};
  return kNames[static_cast<int>(phase_)];
}

void OraclePolicy::reset(const EpisodeContext&) {
  phase_ = Phase::kPlan;
  phase_steps_ = 0;
  still_steps_ = 0;
  last_object_pos_ = {};
  object_.clear();
  joint_.clear();
  subgoal_atom_ = -1;
  relocations_ = 0;
}

bool OraclePolicy::ChooseSubgoal(const PrivilegedState& s) {
  // Open / switch on first, then the placements in goal order, close / switch off last.
  auto rank = [](const std::string& p) {
    return p == "open" || p == "turnon" ? 0 : p == "on" || p == "in" ? 1 : 2;
  };
  int chosen = -1;
  for (int r = 0; r < 3 && chosen < 0; ++r) {
    for (size_t i = 0; i < s.goal.size() && chosen < 0; ++i) {
      // Stood in a microwave's mouth counts as in: the door pushes it home.
      const bool holds = (i < s.goal_holds.size() && s.goal_holds[i]) || StandsInMouth(s, s.goal[i]);
      if (rank(s.goal[i][0]) == r && !holds) chosen = static_cast<int>(i);
    }
  }
  if (chosen < 0) return false;
  subgoal_atom_ = chosen;
  const std::vector<std::string>& atom = s.goal[chosen];
  std::string text;
  for (const auto& w : atom) text += (text.empty() ? "" : " ") + w;
  const std::string& p = atom[0];
  if ((p == "on" || p == "in") && atom.size() == 3) {
    // Into a drawer that is shut: open it first.
    if (auto r = s.regions.find(atom[2]); r != s.regions.end() && !r->second.joint.empty()) {
      auto a = s.articulations.find(r->second.joint);
      if (a != s.articulations.end() && a->second.targets.count("open") &&
          a->second.q > a->second.targets.at("open") + kOpenEnough) {
        PlanJoint(s, r->second.joint, a->second.targets.at("open"));
        return true;
      }
    }
    if (!PlanPickPlace(s, atom)) throw PolicyError("oracle: cannot plan (" + text + ")");
    phase_ = Phase::kApproach;
    phase_steps_ = 0;
    return true;
  }
  if ((p == "open" || p == "close" || p == "turnon" || p == "turnoff") && atom.size() == 2) {
    // The joint of a region's part (a drawer), or every joint of a fixture.
    std::vector<std::string> joints;
    if (auto r = s.regions.find(atom[1]); r != s.regions.end()) {
      if (!r->second.joint.empty()) joints.push_back(r->second.joint);
    } else {
      for (const auto& [name, a] : s.articulations) {
        if (a.owner == atom[1]) joints.push_back(name);
      }
    }
    // The atom does not hold: work the joint furthest from its target.
    const std::string* worst = nullptr;
    double worst_error = -1;
    for (const std::string& j : joints) {
      const auto& a = s.articulations.at(j);
      auto t = a.targets.find(p);
      if (t == a.targets.end() || !a.handle) continue;
      if (std::abs(a.q - t->second) > worst_error) {
        worst_error = std::abs(a.q - t->second);
        worst = &j;
      }
    }
    if (worst != nullptr) {
      PlanJoint(s, *worst, s.articulations.at(*worst).targets.at(p));
      return true;
    }
  }
  throw PolicyError("oracle: no skill achieves (" + text + ")");
}

void OraclePolicy::PlanJoint(const PrivilegedState& s, const std::string& joint, double target) {
  joint_ = joint;
  joint_target_ = target;
  const auto& a = s.articulations.at(joint);
  const double swing = a.hinge ? (target - a.q) * (a.axis[2] >= 0 ? 1.0 : -1.0) : 0.0;
  handle_yaw_ = ChooseYaw(s, Yaw(a.handle->quat), swing);
  // A door (its handle far from the hinge) is pushed round by the closed
  // fingers at its free end, the wrist kept still: swinging it by its fin
  // would turn the wrist as far as the door turns, the forearm over the door.
  const double rx = a.handle->pos[0] - a.anchor[0], ry = a.handle->pos[1] - a.anchor[1];
  push_door_ = a.hinge && std::hypot(rx, ry) > kDoorRadius;
  if (push_door_) {
    const double sign = (target > a.q ? 1.0 : -1.0) * (a.axis[2] >= 0 ? 1.0 : -1.0);
    const double n = std::hypot(rx, ry);
    // Where the free end moves: +sign along z x r; push from the other side.
    const double mx = -sign * ry / n, my = sign * rx / n;
    handle_tcp_ = {a.handle->pos[0] - kDoorPushStandoff * mx, a.handle->pos[1] - kDoorPushStandoff * my,
                   a.handle->pos[2] - kDoorPushDepth};
    // The hand's long palm along the door, pressing its upper part, turning
    // with it (the start picked so that the wrist stays within its range).
    handle_yaw_ = ChooseYaw(s, std::atan2(rx, -ry), swing);
  }
  phase_ = Phase::kHandleApproach;
  phase_steps_ = 0;
}

bool OraclePolicy::PlanPickPlace(const PrivilegedState& s, const std::vector<std::string>& atom_words) {
  const std::vector<std::string>* atom = &atom_words;
  if (!s.objects.count((*atom)[1])) return false;
  object_ = (*atom)[1];
  const std::string& target = (*atom)[2];
  target_rim_z_ = 0;
  insert_ = false;
  place_turn_ = 0;
  if (auto it = s.objects.find(target); it != s.objects.end()) {
    // Inside a rimmed body it fits in (a bowl on a plate), else on its top.
    const auto& support = it->second;
    const auto& carried = s.objects.at(object_);
    const bool fits = support.rim_radius > 0 &&
                      std::hypot(carried.half_extent[0], carried.half_extent[1]) < support.rim_radius - kRimWall;
    target_xy_z_ = {support.pose.pos[0], support.pose.pos[1],
                    fits ? support.pose.pos[2] + support.support_height : Top(support)};
  } else if (auto r = s.regions.find(target); r != s.regions.end()) {
    const auto& site = r->second;
    int slot = 0, slots = 0;
    for (const auto& a : s.goal) {
      if ((a[0] == "on" || a[0] == "in") && a.size() == 3 && a[2] == target) {
        if (a[1] == object_) slot = slots;
        ++slots;
      }
    }
    const auto spot = FreeSpot(s, site, object_, slot, std::max(1, slots));
    // Into a container, long side along long side (a book into a caddy's slot).
    if ((*atom)[0] == "in") place_turn_ = AlignTurn(s.objects.at(object_), site);
    target_xy_z_ = {spot[0], spot[1],
                    site.pose.pos[2] + ((*atom)[0] == "on" ? site.half_size[2] : -site.half_size[2])};
    // Into a container: over its walls (the region's top) until above it.
    target_rim_z_ = (*atom)[0] == "in" ? site.pose.pos[2] + site.half_size[2] : 0.0;
    if ((*atom)[0] == "in" && site.enclosed && s.objects.count(site.parent)) {
      // Under a roof: stand it in the mouth; the closing door pushes it in.
      const auto mouth = Mouth(s, site, object_);
      insert_ = true;
      insert_to_ = mouth[0];
      target_xy_z_ = {mouth[1][0], mouth[1][1], site.pose.pos[2] - site.half_size[2]};
      target_rim_z_ = 0;
    }
  } else {
    return false;
  }
  std::string blocker;
  const double room = PlanGrasp(s, &blocker);
  // A neighbour standing where the hand must go (a carton 3 cm from the box
  // to pick, under the hand's 19 cm palm): move it out of the way first.
  if (room < kBlockedGrasp && !blocker.empty() && relocations_ < kMaxRelocations) {
    if (auto spot = ClearSpot(s, blocker, object_)) {
      ++relocations_;
      object_ = blocker;
      target_xy_z_ = {(*spot)[0], (*spot)[1], s.objects.at(blocker).pose.pos[2]};
      target_rim_z_ = 0;
      insert_ = false;
      place_turn_ = 0;
      PlanGrasp(s, nullptr);
    }
  }
  return true;
}

double OraclePolicy::PlanGrasp(const PrivilegedState& s, std::string* blocker) {
  const PrivilegedState::Body& obj = s.objects.at(object_);
  const Vec3& c = obj.pose.pos;
  std::string limiting;  // the neighbour limiting the current candidate's room
  auto limit = [&](double* clearance, double value, const std::string& name) {
    if (value < *clearance) {
      *clearance = value;
      limiting = name;
    }
  };
  double best = -1e9;
  // The fixture region holding the object, if any (a drawer): its walls are
  // not among the bodies, so the grasp and the lift must know about them.
  container_.reset();
  for (const auto& [name, site] : s.regions) {
    const auto lc = SiteLocal(site, c[0], c[1]);
    if (!site.parent.empty() && std::abs(lc[0]) < site.half_size[0] &&
        std::abs(lc[1]) < site.half_size[1] &&
        std::abs(c[2] - site.pose.pos[2]) < site.half_size[2] + 0.01) {
      container_ = site;
    }
  }
  if (obj.rim_radius > 0) {
    // Wall grasp: score rim points by the room around fingers and hand.
    // Below the rim, but with the inner fingertip above the floor inside (a plate's rim is low).
    const double tcp_z = std::max(Top(obj) - kRimGraspDepth, c[2] + obj.support_height + kTipBelowTcp + 0.003);
    const double tip_z = tcp_z - kTipBelowTcp, hand_z = tcp_z + kHandAboveTcp;
    for (int k = 0; k < 24; ++k) {
      const double a = k * kPi / 12, dx = std::cos(a), dy = std::sin(a);
      const double r = obj.rim_radius;
      const double fx = c[0] + (r + 0.02) * dx, fy = c[1] + (r + 0.02) * dy;   // outer finger
      const double px = c[0] + r * dx, py = c[1] + r * dy;                    // rim point
      double clearance = 0.05;
      limiting.clear();
      for (const auto& [name, other] : s.objects) {
        if (name == object_) continue;
        // Anything the outer finger would end less than a centimetre above
        // (a plate's rim): closing, the finger hooks it and lifts it along.
        if (Top(other) > tip_z - kFingerFloorClearance) {
          limit(&clearance, FootprintDistance(other, fx, fy) - 0.006, name);
        }
        if (Top(other) > hand_z - 0.005) limit(&clearance, PalmDistance(other, px, py, dx, dy) - 0.01, name);
      }
      // Inside a container (an open drawer): keep the finger off its walls.
      if (container_) {
        const auto lf = SiteLocal(*container_, fx, fy);
        clearance = std::min(clearance, std::min(container_->half_size[0] - std::abs(lf[0]),
                                                 container_->half_size[1] - std::abs(lf[1])));
      }
      // Stood in a mouth, it is held at its side: the hand's long palm then
      // lies across the mouth, not under the roof.
      if (insert_) clearance -= 0.2 * std::abs(dx * mouth_dir_[0] + dy * mouth_dir_[1]);
      // Where the object will be put down, the wrist (4.5 cm round the
      // hand's axis, from 11 cm above the fingertips) must keep clear of
      // handle fins standing above the target (tabs over an open drawer).
      for (const auto& [name, a] : s.articulations) {
        if (!a.handle || a.handle->pos[2] < target_xy_z_[2]) continue;
        const double hand_x = target_xy_z_[0] + r * dx, hand_y = target_xy_z_[1] + r * dy;
        clearance = std::min(clearance, HandleDistance(a, hand_x, hand_y) - kWristRadius - 0.015);
      }
      // A top-down grasp is only dependable where the arm has room: the far
      // side of a bowl at the front of the table is at the edge of the Panda's
      // reach (the hand stalls short of it and the bowl is carried off-centre),
      // the near side of one next to the base (the stove) folds the arm onto
      // itself. Penalise rim points outside a comfortable band of distances
      // from the base, one for one with the clearance they would buy.
      const double reach = std::hypot(px - s.robot_base[0], py - s.robot_base[1]);
      const double score = clearance - std::max(0.0, reach - kReachFar) -
                           std::max(0.0, kReachNear - reach);
      if (score > best) {
        best = score;
        if (blocker) *blocker = limiting;
        grasp_.tcp = {px, py, tcp_z};
        // Fingers slide along the hand y axis = (sin yaw, -cos yaw): align with the radius.
        grasp_.yaw = ChooseYaw(s, std::atan2(dx, -dy), place_turn_);
      }
    }
  } else {
    // Across the narrower horizontal side, a little below the top (bottles
    // and cartons at their grasp height, below the neck or gable). A body as
    // wide as it is deep (a can, a carton) can be taken across either side,
    // a long one anywhere along its length: take the hand pose whose fingers
    // and hand keep the most room from the neighbours (an open finger
    // reaches 5 cm from the grasp point, past a small box's side onto a can
    // beside it).
    const double body_yaw = Yaw(obj.pose.quat);
    const double hx = obj.half_extent[0], hy = obj.half_extent[1];
    const double narrow_yaw = hx < hy ? body_yaw + kPi / 2 : body_yaw;
    const bool square = std::abs(hx - hy) < 1e-9;
    // How far the grasp may slide along a long body, fingers (2.2 cm wide) on it.
    const double slide = square ? 0.0 : std::max(0.0, std::max(hx, hy) - 0.025);
    const double tcp_z = obj.grasp_height > 0 ? c[2] + obj.grasp_height
                                              : Top(obj) - std::min(0.03, obj.half_extent[2]);
    const double tip_z = tcp_z - kTipBelowTcp, hand_z = tcp_z + kHandAboveTcp;
    for (int k = 0; k < (square ? 2 : 5); ++k) {
      // Square: across one side, then the other. Long: centred, then +-1/2, +-1 slide.
      const double yaw = square ? narrow_yaw + k * kPi / 2 : narrow_yaw;
      const double offset = square ? 0.0 : slide * (k % 2 == 0 ? 1 : -1) * ((k + 1) / 2) / 2.0;
      const double lx = std::cos(yaw), ly = std::sin(yaw);   // hand x: along the body
      const double fx = std::sin(yaw), fy = -std::cos(yaw);  // finger axis: across it
      const double px = c[0] + offset * lx, py = c[1] + offset * ly;
      double clearance = 0.05;
      limiting.clear();
      for (const auto& [name, other] : s.objects) {
        if (name == object_) continue;
        for (double sgn : {-1.0, 1.0}) {
          if (Top(other) > tip_z - 0.003) {
            limit(&clearance,
                  FootprintDistance(other, px + sgn * kOpenFingerReach * fx, py + sgn * kOpenFingerReach * fy) - 0.017,
                  name);
          }
        }
        if (Top(other) > hand_z - 0.005) limit(&clearance, PalmDistance(other, px, py, fx, fy) - 0.01, name);
      }
      const double score = clearance - 0.2 * std::abs(offset);
      if (score > best + 1e-9) {
        best = score;
        if (blocker) *blocker = limiting;
        grasp_.tcp = {px, py, tcp_z};
        grasp_.yaw = ChooseYaw(s, yaw, place_turn_);
      }
    }
  }

  start_xy_ = {c[0], c[1]};
  start_z_ = c[2];
  // Only a free object the goal does not name can be moved aside.
  if (blocker && !blocker->empty()) {
    bool named = !s.objects.count(*blocker) || s.objects.at(*blocker).fixture;
    for (const auto& atom : s.goal) named = named || std::find(atom.begin() + 1, atom.end(), *blocker) != atom.end();
    if (named) blocker->clear();
  }
  return best;
}

std::array<std::array<double, 2>, 2> OraclePolicy::Mouth(const PrivilegedState& s,
                                                           const PrivilegedState::Site& site,
                                                           const std::string& object) {
  const auto& parent = s.objects.at(site.parent);
  const double yaw = Yaw(parent.pose.quat);
  mouth_dir_ = {std::cos(yaw), std::sin(yaw)};  // out of the front (the fixture's +x)
  const double cx = site.pose.pos[0], cy = site.pose.pos[1];
  const double to_front = (parent.pose.pos[0] - cx) * mouth_dir_[0] + (parent.pose.pos[1] - cy) * mouth_dir_[1] +
                          parent.half_extent[0];
  // Held by the rim at its side, the wrist stops a little outside the front;
  // the closing door pushes it the rest of the way.
  (void)object;
  const double inner = to_front + kWristRadius + 0.012, outer = inner + kMouthApproach;
  return {{{cx + inner * mouth_dir_[0], cy + inner * mouth_dir_[1]},
           {cx + outer * mouth_dir_[0], cy + outer * mouth_dir_[1]}}};
}

std::optional<std::array<double, 2>> OraclePolicy::FinOverhead(const PrivilegedState& s,
                                                               const PrivilegedState::Body& obj) const {
  const double r = std::max(obj.half_extent[0], obj.half_extent[1]) + kPalmClearance;
  for (const auto& [name, a] : s.articulations) {
    if (!a.handle || a.handle->pos[2] - kHandleHalfHeight < Top(obj)) continue;
    if (a.handle->pos[2] - kHandleHalfHeight > Top(obj) + kLiftClearance) continue;
    if (HandleDistance(a, obj.pose.pos[0], obj.pose.pos[1]) > r) continue;
    // Away from the fin, across it (the fin runs along the handle's x axis).
    const double yaw = Yaw(a.handle->quat), nx = -std::sin(yaw), ny = std::cos(yaw);
    const double side = (obj.pose.pos[0] - a.handle->pos[0]) * nx + (obj.pose.pos[1] - a.handle->pos[1]) * ny;
    return std::array<double, 2>{side >= 0 ? nx : -nx, side >= 0 ? ny : -ny};
  }
  return std::nullopt;
}

bool OraclePolicy::StandsInMouth(const PrivilegedState& s, const std::vector<std::string>& atom) {
  if (atom.size() != 3 || atom[0] != "in" || !s.objects.count(atom[1])) return false;
  auto r = s.regions.find(atom[2]);
  if (r == s.regions.end() || !r->second.enclosed || !s.objects.count(r->second.parent)) return false;
  const auto inner = Mouth(s, r->second, atom[1])[0];
  const auto& o = s.objects.at(atom[1]).pose.pos;
  return std::hypot(o[0] - inner[0], o[1] - inner[1]) < kMouthTolerance &&
         std::abs(o[2] - (r->second.pose.pos[2] - r->second.half_size[2])) < 0.01;
}

std::optional<std::array<double, 2>> OraclePolicy::ClearSpot(const PrivilegedState& s, const std::string& blocker,
                                                             const std::string& keep_clear_of) const {
  // The surface's extent is where its regions are (the table's or floor's
  // named areas), a margin around them.
  double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9};
  for (const auto& [name, site] : s.regions) {
    if (!site.parent.empty()) continue;
    for (int k = 0; k < 2; ++k) {
      lo[k] = std::min(lo[k], site.pose.pos[k] - site.half_size[k] - 0.05);
      hi[k] = std::max(hi[k], site.pose.pos[k] + site.half_size[k] + 0.05);
    }
  }
  const auto& moved = s.objects.at(blocker);
  const auto& kept = s.objects.at(keep_clear_of);
  const double r = std::hypot(moved.half_extent[0], moved.half_extent[1]);
  std::optional<std::array<double, 2>> best;
  double best_score = 0;
  for (double radius : {0.12, 0.17, 0.22}) {
    for (int k = 0; k < 16; ++k) {
      const double a = k * kPi / 8;
      const double x = moved.pose.pos[0] + radius * std::cos(a), y = moved.pose.pos[1] + radius * std::sin(a);
      const double reach = std::hypot(x - s.robot_base[0], y - s.robot_base[1]);
      if (x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1] || reach < kReachNear || reach > kReachFar) continue;
      double room = kEnoughRoom * 2;
      for (const auto& [name, other] : s.objects) {
        if (name != blocker) room = std::min(room, FootprintDistance(other, x, y) - r);
      }
      // Well away from where the hand is about to work.
      room = std::min(room, std::hypot(x - kept.pose.pos[0], y - kept.pose.pos[1]) - r - kHandHalfSpan);
      const double score = room - 0.05 * radius;
      if (room > 0.01 && (!best || score > best_score)) {
        best = std::array<double, 2>{x, y};
        best_score = score;
      }
    }
  }
  return best;
}

double OraclePolicy::PathClearanceZ(const PrivilegedState& s, double x, double y) const {
  // The lowest height of the object's origin (its bottom) that clears
  // everything within its footprint (plus a margin) along the straight path
  // from (x, y) to the target, sampled every centimetre.
  const auto& obj = s.objects.at(object_);
  const double reach = std::max(obj.half_extent[0], obj.half_extent[1]) + kPathMargin;
  const double vx = target_xy_z_[0] - x, vy = target_xy_z_[1] - y;
  const int samples = 1 + static_cast<int>(std::hypot(vx, vy) / 0.01);
  double z = std::max(target_xy_z_[2], target_rim_z_) + kPathClearance;
  // Stay at the lift height over the place it started from and, if it was in
  // a container (drawer walls are not among the bodies), over all of that.
  for (int i = 0; i <= samples && z < start_z_ + kLiftClearance; ++i) {
    const double t = static_cast<double>(i) / samples, px = x + t * vx, py = y + t * vy;
    bool near_start = std::hypot(px - start_xy_[0], py - start_xy_[1]) < reach + 0.05;
    if (container_) {
      const auto l = SiteLocal(*container_, px, py);
      near_start = near_start ||
                   std::hypot(std::max(0.0, std::abs(l[0]) - container_->half_size[0] - kWallAllowance),
                              std::max(0.0, std::abs(l[1]) - container_->half_size[1] - kWallAllowance)) < reach;
    }
    if (near_start) z = start_z_ + kLiftClearance;
  }
  for (const auto& [name, other] : s.objects) {
    if (name == object_ || Top(other) + kPathClearance <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (FootprintDistance(other, x + t * vx, y + t * vy) < reach) {
        z = Top(other) + kPathClearance;
        break;
      }
    }
  }
  // The palm, long across the fingers, sweeps wider than the object: over
  // anything it would pass through, it goes above (a wine bottle beside the
  // drawer a bowl is carried to).
  const double off_x = grasp_.tcp[0] - start_xy_[0], off_y = grasp_.tcp[1] - start_xy_[1];
  const double palm_above_origin = grasp_.tcp[2] - start_z_ + kHandAboveTcp;
  const double ux = std::sin(grasp_.yaw), uy = -std::cos(grasp_.yaw);  // the finger axis
  for (const auto& [name, other] : s.objects) {
    const double need = Top(other) + kPalmClearance - palm_above_origin;
    if (name == object_ || need <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (PalmDistance(other, x + t * vx + off_x, y + t * vy + off_y, ux, uy) < kPalmClearance) {
        z = need;
        break;
      }
    }
  }
  // Handles stand out of the fixtures' footprints (a drawer pulled open
  // carries its tab far out in front): each is a segment reaching back from
  // the grip point towards its drawer or door.
  for (const auto& [name, a] : s.articulations) {
    if (!a.handle) continue;
    const double top = a.handle->pos[2] + kHandleHalfHeight;
    if (top + kPathClearance <= z) continue;
    for (int i = 0; i <= samples; ++i) {
      const double t = static_cast<double>(i) / samples;
      if (HandleDistance(a, x + t * vx, y + t * vy) < reach) {
        z = top + kPathClearance;
        break;
      }
    }
  }
  return z;
}

bool OraclePolicy::Slipped(const PrivilegedState& s) const {
  const Vec3& o = s.objects.at(object_).pose.pos;
  const Vec3& tcp = s.eef.pos;
  // Where it sat in the hand after lifting, turned with the hand since.
  const double turn = Yaw(s.eef.quat) - held_yaw_, c = std::cos(turn), sn = std::sin(turn);
  const double hx = c * held_offset_[0] - sn * held_offset_[1], hy = sn * held_offset_[0] + c * held_offset_[1];
  return std::hypot(o[0] - tcp[0] - hx, o[1] - tcp[1] - hy, o[2] - tcp[2] - held_offset_[2]) > 0.03;
}

Action OraclePolicy::MoveTo(const PrivilegedState& s, const Vec3& target, double yaw,
                            double max_step, double gripper) const {
  Action a(7, 0.0);
  Vec3 d{target[0] - s.eef.pos[0], target[1] - s.eef.pos[1], target[2] - s.eef.pos[2]};
  const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  const double scale = n > max_step ? max_step / n : 1.0;
  for (int i = 0; i < 3; ++i) a[i] = std::clamp(d[i] * scale / kMaxStep, -1.0, 1.0);
  const Vec3 rot = RotationError(s.eef.quat, yaw);
  for (int i = 0; i < 3; ++i) a[3 + i] = std::clamp(rot[i] / kMaxTurn, -1.0, 1.0);
  a[6] = gripper;
  return a;
}

ActionChunk OraclePolicy::act(const Observation& observation) {
  if (!observation.privileged) {
    throw PolicyError("oracle needs privileged state, but the environment gave none");
  }
  const PrivilegedState& s = *observation.privileged;
  if (phase_ == Phase::kPlan && !ChooseSubgoal(s)) {
    // Every atom holds: keep still, hand open.
    return ActionChunk{{MoveTo(s, s.eef.pos, Yaw(s.eef.quat), 0.0, -1)}, {}};
  }
  switch (phase_) {
    case Phase::kHandleApproach:
    case Phase::kHandleDescend:
    case Phase::kHandleClose:
    case Phase::kWork:
    case Phase::kLetGo:
      return ActionChunk{{ActJoint(s)}, {}};
    case Phase::kBackOff: {
      // Straight up with the hand open, clear of whatever it worked on.
      const Vec3& tcp = s.eef.pos;
      if (phase_steps_++ == 0) backoff_z_ = tcp[2] + kBackOffHeight;
      Action a = MoveTo(s, {tcp[0], tcp[1], backoff_z_}, Yaw(s.eef.quat), 0.03, -1);
      if (tcp[2] > backoff_z_ - 0.01 || phase_steps_ > 20) {
        phase_ = Phase::kPlan;
        phase_steps_ = 0;
      }
      return ActionChunk{{a}, {}};
    }
    default:
      return ActPickPlace(s);
  }
}

Action OraclePolicy::ActJoint(const PrivilegedState& s) {
  ++phase_steps_;
  const auto& art = s.articulations.at(joint_);
  const Pose& handle = *art.handle;
  const Vec3& tcp = s.eef.pos;
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  auto dist = [](const Vec3& a, const Vec3& b) { return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]); };
  Action a;
  if (push_door_) return PushDoor(s);
  switch (phase_) {
    case Phase::kHandleApproach: {
      const Vec3 above = Transit(s, {handle.pos[0], handle.pos[1], handle.pos[2] + kApproachHeight});
      a = MoveTo(s, above, handle_yaw_, kMaxStep, -1);
      const double yaw_err = std::abs(WrapAngle(Yaw(s.eef.quat) - handle_yaw_));
      if ((dist(tcp, above) < 0.012 && yaw_err < 0.06) || phase_steps_ > 60) go(Phase::kHandleDescend);
      break;
    }
    case Phase::kHandleDescend:
      a = MoveTo(s, handle.pos, handle_yaw_, 0.02, -1);
      if (dist(tcp, handle.pos) < 0.005 || phase_steps_ > 40) go(Phase::kHandleClose);
      break;
    case Phase::kHandleClose:
      a = MoveTo(s, handle.pos, handle_yaw_, 0.01, 1);
      if (phase_steps_ >= 8) {
        handle_tcp_ = tcp;
        StartWork(art.q);
      }
      break;
    case Phase::kWork: {
      const double err = joint_target_ - art.q;
      if (art.hinge) {
        // Swing the hand about the hinge a little ahead of the part, turning
        // the wrist with it (the axes here are vertical).
        const double step = std::clamp(err, -0.2, 0.2);
        const double sign = art.axis[2] >= 0 ? 1.0 : -1.0;
        a = MoveTo(s, AboutHinge(art, tcp, step, handle_tcp_[2]), Yaw(s.eef.quat) + sign * step, kMaxStep, 1);
      } else {
        const double travel = joint_target_ - joint_start_q_;
        const Vec3 t{handle_tcp_[0] + travel * art.axis[0], handle_tcp_[1] + travel * art.axis[1],
                     handle_tcp_[2] + travel * art.axis[2]};
        a = MoveTo(s, t, handle_yaw_, 0.02, 1);
      }
      const bool there = std::abs(err) < (art.hinge ? kHingeTolerance : kSlideTolerance);
      // Stuck (the fin slipped out of the fingers, or a stop): let go and plan again.
      if (Stalled(err) || there || s.gripper_opening < kEmptyGrip) go(Phase::kLetGo);
      break;
    }
    default:  // kLetGo
      a = MoveTo(s, tcp, Yaw(s.eef.quat), 0.0, -1);
      if (phase_steps_ >= 6) go(Phase::kBackOff);
      break;
  }
  return a;
}

void OraclePolicy::StartWork(double q) {
  joint_start_q_ = q;
  best_joint_error_ = std::abs(joint_target_ - q);
  best_progress_step_ = 0;
  phase_ = Phase::kWork;
  phase_steps_ = 0;
}

bool OraclePolicy::Stalled(double err) {
  if (std::abs(err) < best_joint_error_ - 0.002) {
    best_joint_error_ = std::abs(err);
    best_progress_step_ = phase_steps_;
  }
  return phase_steps_ - best_progress_step_ > kStallSteps || phase_steps_ > kMaxWorkSteps;
}

Action OraclePolicy::PushDoor(const PrivilegedState& s) {
  const auto& art = s.articulations.at(joint_);
  const Vec3& tcp = s.eef.pos;
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  Action a;
  switch (phase_) {
    case Phase::kHandleApproach: {
      // Over the push point, above the door's top, then straight down beside it.
      const Vec3 above = Transit(s, {handle_tcp_[0], handle_tcp_[1], art.handle->pos[2] + kApproachHeight});
      a = MoveTo(s, above, handle_yaw_, kMaxStep, 1);
      if (std::hypot(tcp[0] - above[0], tcp[1] - above[1], tcp[2] - above[2]) < 0.012 || phase_steps_ > 60) {
        go(Phase::kHandleDescend);
      }
      break;
    }
    case Phase::kHandleDescend:
      a = MoveTo(s, handle_tcp_, handle_yaw_, 0.03, 1);
      if (std::hypot(tcp[0] - handle_tcp_[0], tcp[1] - handle_tcp_[1], tcp[2] - handle_tcp_[2]) < 0.008 ||
          phase_steps_ > 40) {
        StartWork(art.q);
      }
      break;
    case Phase::kWork: {
      // Round the hinge, ahead of the door by enough to press on whatever
      // the door shoves in front of it (the mug it pushes into the microwave).
      const double err = joint_target_ - art.q;
      const double step = std::clamp(err, -0.3, 0.3) + (err > 0 ? 1 : -1) * kDoorPushLead;
      const double sign = art.axis[2] >= 0 ? 1.0 : -1.0;
      a = MoveTo(s, AboutHinge(art, tcp, step, handle_tcp_[2]), handle_yaw_ + sign * (art.q + step - joint_start_q_),
                 kMaxStep, 1);
      if (Stalled(err) || std::abs(err) < kDoorTolerance) go(Phase::kBackOff);
      break;
    }
    default:
      a = MoveTo(s, tcp, handle_yaw_, 0.0, -1);
      go(Phase::kBackOff);
      break;
  }
  return a;
}

ActionChunk OraclePolicy::ActPickPlace(const PrivilegedState& s) {
  const auto& obj = s.objects.at(object_);
  const Vec3& tcp = s.eef.pos;
  const Vec3& o = obj.pose.pos;
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
  const double xy_err = std::hypot(target_xy_z_[0] - o[0], target_xy_z_[1] - o[1]);
  const double moved = dist(o, last_object_pos_);
  last_object_pos_ = o;
  // The controller tracks at most ~1 cm per step; a full-scale command keeps
  // it at that speed, and the goal is clipped to the target so it stops there.
  Action a;
  switch (phase_) {
    case Phase::kApproach: {
      const Vec3 above = Transit(s, {grasp_.tcp[0], grasp_.tcp[1], grasp_.tcp[2] + kApproachHeight});
      a = MoveTo(s, above, grasp_.yaw, kMaxStep, -1);
      const double yaw_err = std::abs(WrapAngle(Yaw(s.eef.quat) - grasp_.yaw));
      if ((dist(tcp, above) < 0.012 && yaw_err < 0.06) || phase_steps_ > 60) go(Phase::kDescend);
      break;
    }
    case Phase::kDescend: {
      Vec3 t = grasp_.tcp;
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
      a = MoveTo(s, t, grasp_.yaw, 0.025, -1);
      if (dist(tcp, grasp_.tcp) < 0.005 || phase_steps_ > limit) go(Phase::kClose);
      break;
    }
    case Phase::kClose:
      // The fingers travel their full range in 8 steps.
      a = MoveTo(s, grasp_.tcp, grasp_.yaw, 0.01, 1);
      if (phase_steps_ >= 8) go(Phase::kLift);
      break;
    case Phase::kLift: {
      // Straight up, clear of the start (drawer walls) and of whatever lies
      // between here and the target.
      const double lift_z = PathClearanceZ(s, o[0], o[1]);
      Vec3 t{tcp[0], tcp[1], tcp[2] + (lift_z - o[2])};
      // A handle fin over the object (a drawer's tab above a bowl in front
      // of it): slide out from under it, barely lifted, before going up.
      if (const auto away = FinOverhead(s, obj)) {
        t = {tcp[0] + (*away)[0] * 0.015, tcp[1] + (*away)[1] * 0.015, tcp[2] + std::max(0.0, start_z_ + 0.01 - o[2])};
      }
      a = MoveTo(s, t, grasp_.yaw, kMaxStep, 1);
      if (s.gripper_opening < kEmptyGrip ||
          (tcp[2] - grasp_.tcp[2] > 0.04 && o[2] - start_z_ < 0.01 && !FinOverhead(s, obj))) {
        recover();  // closed on nothing, or the object stayed behind
      } else if (o[2] > lift_z - 0.01 || phase_steps_ > 30) {
        held_offset_ = {o[0] - tcp[0], o[1] - tcp[1], o[2] - tcp[2]};
        held_yaw_ = Yaw(s.eef.quat);
        go(Phase::kCarry);
      }
      break;
    }
    case Phase::kCarry: {
      // Towards the target, sinking as soon as the rest of the way is clear.
      const double carry_z = PathClearanceZ(s, o[0], o[1]);
      Vec3 t{tcp[0] + target_xy_z_[0] - o[0], tcp[1] + target_xy_z_[1] - o[1], tcp[2] + carry_z - o[2]};
      if (o[2] < carry_z - 0.015) t[0] = tcp[0], t[1] = tcp[1];  // below the obstacles: up first
      a = MoveTo(s, t, grasp_.yaw + place_turn_, kMaxStep, 1);
      if (s.gripper_opening < kEmptyGrip || Slipped(s)) {
        recover();
      } else if (xy_err < 0.008 || phase_steps_ > 90) {
        go(Phase::kLower);
      }
      break;
    }
    case Phase::kLower: {
      // Fast down to a couple of centimetres above the support, then gently.
      const double goal_z = target_xy_z_[2] + 0.008;
      const double step = o[2] - goal_z > 0.03 ? kMaxStep : 0.015;
      Vec3 t{tcp[0] + target_xy_z_[0] - o[0], tcp[1] + target_xy_z_[1] - o[1], tcp[2] + goal_z - o[2]};
      a = MoveTo(s, t, grasp_.yaw + place_turn_, step, 1);
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
      a = MoveTo(s, {tcp[0] + ex, tcp[1] + ey, tcp[2]}, grasp_.yaw + place_turn_, 0.015, 1);
      if (s.gripper_opening < kEmptyGrip || Slipped(s)) {
        recover();
      } else if (std::hypot(ex, ey) < 0.006 || phase_steps_ > 40) {
        go(Phase::kRelease);
      }
      break;
    }
    case Phase::kRelease:
      a = MoveTo(s, tcp, grasp_.yaw, 0.0, -1);
      if (phase_steps_ >= 8) go(Phase::kRetreat);
      break;
    case Phase::kRetreat:
      a = MoveTo(s, {tcp[0], tcp[1], tcp[2] + 0.05}, grasp_.yaw, 0.02, -1);
      if (phase_steps_ >= 8) go(Phase::kPlan);
      break;
    case Phase::kRecover:
      a = MoveTo(s, {tcp[0], tcp[1], tcp[2] + 0.05}, grasp_.yaw, 0.02, -1);
      still_steps_ = moved < 0.001 ? still_steps_ + 1 : 0;
      if ((phase_steps_ >= 4 && still_steps_ >= 3) || phase_steps_ > 30) go(Phase::kPlan);
      break;
    default:  // kPlan: not reached (act() dispatches it)
      a = MoveTo(s, tcp, grasp_.yaw, 0.0, -1);
      break;
  }
  return ActionChunk{{a}, {}};
}

}  // namespace gauntlet::policies
