#include "envs/dualarm/task_success.h"

#include <cmath>

#include "envs/dualarm/embodiment_mjcf.h"
#include "envs/dualarm/workspace_scene.h"

namespace gauntlet::envs::dualarm {

enum class SuccessRule::Kind {
  kContainerPlate, kOpenMicrowave, kClickBell, kMoveCanPot, kA2bLeft, kA2bRight, kEmptyCup, kStackTwo,
  kRankingRgb, kHandoverBlock, kHandoverMic, kLiftPot, kGrabRoller, kDualBottles, kCansPlasticbox, kObjectCabinet,
};

namespace {

bool Open(double g) { return g > kGripperOpenAbove; }
bool Closed(double g) { return g < kGripperClosedBelow; }
bool BothOpen(const GripperCommands& g) { return Open(g.left) && Open(g.right); }
double Command(const GripperCommands& g, ArmSide side) { return side == ArmSide::kLeft ? g.left : g.right; }
ArmSide Other(ArmSide side) { return side == ArmSide::kLeft ? ArmSide::kRight : ArmSide::kLeft; }

double DistXY(const double* a, const double* b) { return std::hypot(a[0] - b[0], a[1] - b[1]); }

// The body's z axis against world z: the cosine of its tilt.
double Uprightness(const mjData* d, int body) { return d->xmat[9 * body + 8]; }

constexpr double kCos15Degrees = 0.96592582628906831;

}  // namespace

RobotBinding EmbodimentBinding() {
  const auto arm = [](Side side) {
    const std::string s = SideName(side);
    return ArmBinding{TcpSiteName(side), {s + "_link6", s + "_finger_a", s + "_finger_b"}};
  };
  return {arm(Side::kLeft), arm(Side::kRight)};
}

const double* SuccessRule::Position(const mjData* d, const Point& p) {
  return p.site >= 0 ? d->site_xpos + 3 * p.site : d->xpos + 3 * p.body;
}

Result<SuccessRule> SuccessRule::Compile(const mjModel* m, const TaskLayout& layout, const RobotBinding& robot) {
  SuccessRule r;
  r.task_ = layout.task;
  r.lead_ = layout.lead_arm;
  const std::string where = "success rule of " + layout.task + ": ";

  const auto body = [&](const std::string& object) -> Result<Point> {
    const int id = mj_name2id(m, mjOBJ_BODY, object.c_str());
    if (id < 0) return Error{where + "the model has no body '" + object + "'"};
    return Point{id, -1};
  };
  const auto site = [&](const std::string& object, const std::string& point) -> Result<Point> {
    const std::string name = object + "_" + point;
    const int id = mj_name2id(m, mjOBJ_SITE, name.c_str());
    if (id < 0) return Error{where + "the model has no site '" + name + "'"};
    return Point{-1, id};
  };
  // Adds points in order; the first failure is the result.
  std::vector<Result<Point>> wanted;
  const auto resolve = [&]() -> Status {
    for (Result<Point>& p : wanted) {
      if (!p.ok()) return p.error();
      r.points_.push_back(p.value());
    }
    return Status::Ok();
  };
  const auto bind_arm = [&](ArmSide side) -> Status {
    const ArmBinding& arm = side == ArmSide::kLeft ? robot.left : robot.right;
    const int a = side == ArmSide::kLeft ? 0 : 1;
    if (!arm.tcp_site.empty()) {
      r.tcp_site_[a] = mj_name2id(m, mjOBJ_SITE, arm.tcp_site.c_str());
      if (r.tcp_site_[a] < 0) return Error{where + "the model has no TCP site '" + arm.tcp_site + "'"};
    }
    for (const std::string& b : arm.gripper_bodies) {
      const int id = mj_name2id(m, mjOBJ_BODY, b.c_str());
      if (id < 0) return Error{where + "the model has no gripper body '" + b + "'"};
      r.gripper_body_of_[a].push_back(id);
    }
    return Status::Ok();
  };

  const int table = mj_name2id(m, mjOBJ_GEOM, kTableGeom);
  if (table < 0) return Error{where + "the model has no table geom '" + std::string(kTableGeom) + "'"};
  // The table is a world geom: its compiled position is where it stays.
  r.table_top_ = m->geom_pos[3 * table + 2] + m->geom_size[3 * table + 2];

  const std::string& t = layout.task;
  if (t == "place_container_plate") {
    r.kind_ = Kind::kContainerPlate;
    wanted = {body("container"), site("plate", "top")};
  } else if (t == "open_microwave") {
    r.kind_ = Kind::kOpenMicrowave;
    const std::string joint = DoorJointName(layout.Get("microwave"));
    const int j = mj_name2id(m, mjOBJ_JOINT, joint.c_str());
    if (j < 0) return Error{where + "the model has no joint '" + joint + "'"};
    r.joint_qpos_ = m->jnt_qposadr[j];
    r.joint_upper_ = m->jnt_range[2 * j + 1];
  } else if (t == "click_bell") {
    r.kind_ = Kind::kClickBell;
    wanted = {site("bell", "top")};
    Result<Point> bell = body("bell");
    if (!bell.ok()) return bell.error();
    r.bell_body_ = bell.value().body;
    for (ArmSide side : {ArmSide::kLeft, ArmSide::kRight}) {
      if (Status s = bind_arm(side); !s.ok()) return Error{s.message()};
    }
    if (r.gripper_body_of_[0].empty() && r.gripper_body_of_[1].empty()) {
      return Error{where + "needs the grippers' bodies (RobotBinding.gripper_bodies), none given"};
    }
  } else if (t == "move_can_pot") {
    r.kind_ = Kind::kMoveCanPot;
    wanted = {body("can"), body("pot")};
    r.start_side_ = layout.Get("can").x < 0 ? -1 : 1;
  } else if (t == "place_a2b_left" || t == "place_a2b_right") {
    r.kind_ = t == "place_a2b_left" ? Kind::kA2bLeft : Kind::kA2bRight;
    wanted = {body("object_a"), body("object_b")};
  } else if (t == "place_empty_cup") {
    r.kind_ = Kind::kEmptyCup;
    wanted = {body("cup"), site("coaster", "top")};
  } else if (t == "stack_blocks_two") {
    r.kind_ = Kind::kStackTwo;
    wanted = {site("block_red", "centre"), site("block_green", "centre")};
  } else if (t == "blocks_ranking_rgb") {
    r.kind_ = Kind::kRankingRgb;
    wanted = {site("block_red", "centre"), site("block_green", "centre"), site("block_blue", "centre")};
  } else if (t == "handover_block") {
    r.kind_ = Kind::kHandoverBlock;
    wanted = {site("box", "end0"), site("pad", "top")};
  } else if (t == "handover_mic") {
    r.kind_ = Kind::kHandoverMic;
    wanted = {body("mic")};
  } else if (t == "lift_pot") {
    r.kind_ = Kind::kLiftPot;
    wanted = {body("pot"), site("pot", "handle_left"), site("pot", "handle_right")};
    for (ArmSide side : {ArmSide::kLeft, ArmSide::kRight}) {
      if (Status s = bind_arm(side); !s.ok()) return Error{s.message()};
    }
    if (r.tcp_site_[0] < 0 || r.tcp_site_[1] < 0) {
      return Error{where + "needs both arms' TCP sites (RobotBinding.tcp_site)"};
    }
  } else if (t == "grab_roller") {
    r.kind_ = Kind::kGrabRoller;
    wanted = {body("roller")};
  } else if (t == "pick_dual_bottles") {
    r.kind_ = Kind::kDualBottles;
    wanted = {site("bottle_left", "centre"), site("bottle_right", "centre")};
  } else if (t == "place_cans_plasticbox") {
    r.kind_ = Kind::kCansPlasticbox;
    wanted = {body("can_left"), body("can_right"), site("plasticbox", "slot0"), site("plasticbox", "slot1")};
  } else if (t == "put_object_cabinet") {
    r.kind_ = Kind::kObjectCabinet;
    wanted = {site("object", "centre"), site("cabinet", "drawer_point")};
  } else {
    return Error{where + "no rule for this task"};
  }
  if (Status s = resolve(); !s.ok()) return Error{s.message()};
  return r;
}

bool SuccessRule::Evaluate(const mjModel* m, const mjData* d, const GripperCommands& g, SuccessState& state) const {
  const auto at = [&](int i) { return Position(d, points_[i]); };
  switch (kind_) {
    case Kind::kContainerPlate: {
      const double *c = at(0), *p = at(1);
      return std::abs(c[0] - p[0]) < 0.05 && std::abs(c[1] - p[1]) < 0.05 && std::abs(c[2] - p[2]) < 0.03 &&
             BothOpen(g);
    }
    case Kind::kOpenMicrowave:
      return d->qpos[joint_qpos_] >= 0.6 * joint_upper_;
    case Kind::kClickBell: {
      if (!state.latched) {
        const double* top = at(0);
        for (int i = 0; i < d->ncon && !state.latched; ++i) {
          const mjContact& c = d->contact[i];
          const int b1 = m->geom_bodyid[c.geom1], b2 = m->geom_bodyid[c.geom2];
          const int other = b1 == bell_body_ ? b2 : b2 == bell_body_ ? b1 : -1;
          if (other < 0) continue;
          bool gripper = false;
          for (const auto& bodies : gripper_body_of_) {
            for (int b : bodies) gripper = gripper || b == other;
          }
          if (gripper && DistXY(c.pos, top) < 0.025 && std::abs(c.pos[2] - top[2]) < 0.03) state.latched = true;
        }
      }
      return state.latched;
    }
    case Kind::kMoveCanPot: {
      const double *can = at(0), *pot = at(1);
      const double dx = start_side_ * (can[0] - pot[0]);
      return dx > 0 && dx < 0.2 && std::abs(can[1] - pot[1]) < 0.035 &&
             Uprightness(d, points_[0].body) > kCos15Degrees && std::abs(can[2] - table_top_) < 0.01 && BothOpen(g);
    }
    case Kind::kA2bLeft:
    case Kind::kA2bRight: {
      const double *a = at(0), *b = at(1);
      const double dist = DistXY(a, b);
      const bool order = kind_ == Kind::kA2bLeft ? a[0] < b[0] : a[0] > b[0];
      return dist > 0.08 && dist < 0.2 && std::abs(a[1] - b[1]) < 0.05 && order && BothOpen(g);
    }
    case Kind::kEmptyCup: {
      const double *cup = at(0), *coaster = at(1);
      return DistXY(cup, coaster) < 0.035 && std::abs(cup[2] - coaster[2]) < 0.015 && BothOpen(g);
    }
    case Kind::kStackTwo: {
      const double *red = at(0), *green = at(1);
      return std::abs(green[0] - red[0]) < 0.025 && std::abs(green[1] - red[1]) < 0.025 &&
             std::abs(green[2] - (red[2] + 0.05)) < 0.012 && BothOpen(g);
    }
    case Kind::kRankingRgb: {
      const double *r = at(0), *gr = at(1), *b = at(2);
      return std::abs(r[0] - gr[0]) < 0.13 && std::abs(gr[0] - b[0]) < 0.13 && std::abs(r[1] - gr[1]) < 0.03 &&
             std::abs(gr[1] - b[1]) < 0.03 && r[0] < gr[0] && gr[0] < b[0] && BothOpen(g);
    }
    case Kind::kHandoverBlock: {
      const double *end = at(0), *pad = at(1);
      return DistXY(end, pad) < 0.03 && std::abs(end[2] - pad[2]) < 0.01 && Open(g.right);
    }
    case Kind::kHandoverMic: {
      const double* mic = at(0);
      const ArmSide receiver = Other(lead_);
      const bool receiver_side = receiver == ArmSide::kLeft ? mic[0] < 0 : mic[0] > 0;
      return Closed(Command(g, receiver)) && Open(Command(g, lead_)) && mic[2] > 0.92 && receiver_side;
    }
    case Kind::kLiftPot: {
      const double *pot = at(0), *left_handle = at(1), *right_handle = at(2);
      const double* left_tcp = d->site_xpos + 3 * tcp_site_[0];
      const double* right_tcp = d->site_xpos + 3 * tcp_site_[1];
      const auto dist = [](const double* a, const double* b) {
        return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
      };
      return pot[2] > 0.82 && dist(left_tcp, left_handle) < 0.03 && dist(right_tcp, right_handle) < 0.03 &&
             Uprightness(d, points_[0].body) > 0.8;
    }
    case Kind::kGrabRoller:
      return Closed(g.left) && Closed(g.right) && at(0)[2] > 0.8;
    case Kind::kDualBottles: {
      const double *left = at(0), *right = at(1);
      return std::abs(left[0] + 0.06) < 0.1 && std::abs(left[1] + 0.105) < 0.1 && left[2] > 0.89 &&
             std::abs(right[0] - 0.06) < 0.1 && std::abs(right[1] + 0.105) < 0.1 && right[2] > 0.89;
    }
    case Kind::kCansPlasticbox: {
      const double *a = at(0), *b = at(1), *s0 = at(2), *s1 = at(3);
      const bool straight = DistXY(a, s0) < 0.04 && DistXY(b, s1) < 0.04;
      const bool crossed = DistXY(a, s1) < 0.04 && DistXY(b, s0) < 0.04;
      return (straight || crossed) && BothOpen(g);
    }
    case Kind::kObjectCabinet: {
      const double *object = at(0), *drawer = at(1);
      const double dz = object[2] - drawer[2];
      return DistXY(object, drawer) < 0.05 && dz > 0.007 && dz < 0.12 && Open(Command(g, lead_));
    }
  }
  return false;
}

}  // namespace gauntlet::envs::dualarm
