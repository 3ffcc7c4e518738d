#include "envs/dualarm/placement_sampler.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "envs/dualarm/seeded_random.h"
#include "harness/check.h"

namespace gauntlet::envs::dualarm {

const TaskObject* TaskLayout::Find(const std::string& name) const {
  for (const TaskObject& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const TaskObject& TaskLayout::Get(const std::string& name) const {
  const TaskObject* o = Find(name);
  GAUNTLET_CHECK(o != nullptr, "layout of " + task + " has no object '" + name + "'");
  return *o;
}

std::string Describe(const TaskObject& o) { return "the " + o.colour + " " + ObjectNoun(o); }

namespace {

ArmSide SideOf(double x) { return x < 0 ? ArmSide::kLeft : ArmSide::kRight; }

// A palette colour other than those in `avoid`.
std::string PickColour(SeededRandom& rng, const std::vector<std::string>& avoid = {}) {
  std::vector<std::string> allowed;
  for (const NamedColour& c : Palette()) {
    if (std::find(avoid.begin(), avoid.end(), c.name) == avoid.end()) allowed.push_back(c.name);
  }
  return allowed[rng.Index(static_cast<int>(allowed.size()))];
}

// One of `choices`.
std::string PickFrom(SeededRandom& rng, const std::vector<std::string>& choices) {
  return choices[rng.Index(static_cast<int>(choices.size()))];
}

// x in [lo, hi] or [-hi, -lo], the side drawn first.
double EitherSide(SeededRandom& rng, double lo, double hi) {
  const double s = rng.Sign();
  return s * rng.Uniform(lo, hi);
}

TaskObject Make(const std::string& name, ObjectKind kind, const Vec3& size, const std::string& colour, double x,
                double y, double yaw = 0) {
  TaskObject o;
  o.name = name;
  o.kind = kind;
  o.size = size;
  o.colour = colour;
  o.x = x;
  o.y = y;
  o.yaw = yaw;
  return o;
}

double DistXY(const TaskObject& a, const TaskObject& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// A primitive for the A/B set and the cabinet task: shape, size and colour.
TaskObject Primitive(SeededRandom& rng, const std::string& name, const std::string& colour, bool allow_sphere) {
  TaskObject o;
  o.name = name;
  o.kind = ObjectKind::kPrimitive;
  o.colour = colour;
  const int shape = rng.Index(allow_sphere ? 3 : 2);
  o.shape = static_cast<PrimitiveShape>(shape);
  switch (o.shape) {
    case PrimitiveShape::kBox: {
      const double hx = rng.Uniform(0.02, 0.03);
      const double hy = rng.Uniform(0.02, 0.03);
      const double hz = rng.Uniform(0.02, 0.035);
      o.size = {hx, hy, hz};
      break;
    }
    case PrimitiveShape::kCylinder: {
      const double r = rng.Uniform(0.02, 0.03);
      const double hh = rng.Uniform(0.02, 0.04);
      o.size = {r, hh, 0};
      break;
    }
    case PrimitiveShape::kSphere: {
      const double r = rng.Uniform(0.02, 0.03);
      o.size = {r, 0, 0};
      break;
    }
  }
  return o;
}

// Each sampler draws one attempt; false rejects it (a constraint failed).
using Sampler = std::function<bool(SeededRandom&, TaskLayout&)>;

bool PlaceContainerPlate(SeededRandom& rng, TaskLayout& l) {
  const double s = rng.Sign();
  const double r = rng.Uniform(0.04, 0.06);
  const double h = rng.Uniform(0.05, 0.08);
  const std::string colour = PickColour(rng, {"white"});
  const double cx = s * rng.Uniform(0.20, 0.28);
  const double cy = rng.Uniform(-0.10, 0.05);
  const double px = s * 0.05 + rng.Uniform(-0.03, 0.03);
  const double py = rng.Uniform(-0.15, -0.10);
  l.objects = {Make("container", ObjectKind::kContainer, {r, h, 0}, colour, cx, cy),
               Make("plate", ObjectKind::kPlate, {0.075, 0.008, 0}, "white", px, py)};
  l.lead_arm = SideOf(cx);
  return true;
}

bool OpenMicrowave(SeededRandom& rng, TaskLayout& l) {
  const double x = rng.Uniform(-0.12, -0.02);
  const double y = rng.Uniform(0.15, 0.20);
  const std::string colour = PickFrom(rng, {"white", "grey", "black"});
  l.objects = {Make("microwave", ObjectKind::kMicrowave, {0.40, 0.30, 0.26}, colour, x, y)};
  // The door (0.30 wide) sweeps a quarter disc about its hinge at the front left corner.
  l.keep_clear = {{x - 0.20, y - 0.15, 0.34}};
  // The door's free edge swings from the right of the box toward the
  // robot's left-front: the left arm follows it without crossing over.
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool ClickBell(SeededRandom& rng, TaskLayout& l) {
  const double x = rng.Uniform(-0.25, 0.25);
  const double y = rng.Uniform(-0.2, 0.0);
  const std::string colour = PickFrom(rng, {"yellow", "grey", "red", "blue"});
  if (std::abs(x) < 0.05) return false;
  l.objects = {Make("bell", ObjectKind::kBell, {0.045, 0.03, 0.03}, colour, x, y)};
  l.lead_arm = SideOf(x);
  return true;
}

bool MoveCanPot(SeededRandom& rng, TaskLayout& l) {
  const double pot_yaw = rng.Uniform(-kPi / 8, kPi / 8);
  const std::string pot_colour = PickFrom(rng, {"grey", "black", "brown"});
  const double r = rng.Uniform(0.03, 0.035);
  const double h = rng.Uniform(0.10, 0.12);
  const std::string can_colour = PickColour(rng, {pot_colour});
  const double x = rng.Uniform(-0.3, 0.3);
  const double y = rng.Uniform(0.05, 0.15);
  if (std::abs(x) < 0.2) return false;
  l.objects = {Make("pot", ObjectKind::kPot, {0.09, 0.09, 0}, pot_colour, 0, 0, pot_yaw),
               Make("can", ObjectKind::kCan, {r, h, 0}, can_colour, x, y)};
  l.lead_arm = SideOf(x);
  return true;
}

// A to the left (left = true) or right of B: 0.08 < d_xy < 0.2, |dy| < 0.05
// and the order in x.
bool A2bHolds(const TaskObject& a, const TaskObject& b, bool left) {
  const double d = DistXY(a, b);
  return d > 0.08 && d < 0.2 && std::abs(a.y - b.y) < 0.05 && (left ? a.x < b.x : a.x > b.x);
}

bool PlaceA2b(SeededRandom& rng, TaskLayout& l, bool left) {
  const std::string ca = PickColour(rng);
  TaskObject a = Primitive(rng, "object_a", ca, true);
  const std::string cb = PickColour(rng);
  TaskObject b = Primitive(rng, "object_b", cb, true);
  a.x = rng.Uniform(-0.22, 0.22);
  a.y = rng.Uniform(-0.2, 0.0);
  b.x = a.x > 0 ? rng.Uniform(0.18, 0.23) : rng.Uniform(-0.1, 0.1);
  b.y = rng.Uniform(-0.2, 0.0);
  if (Describe(a) == Describe(b)) return false;  // an instruction must tell them apart
  if (A2bHolds(a, b, left)) return false;
  l.objects = {a, b};
  l.lead_arm = SideOf(a.x);
  return true;
}

bool PlaceEmptyCup(SeededRandom& rng, TaskLayout& l) {
  const double s = rng.Sign();
  const double r = rng.Uniform(0.035, 0.045);
  const double h = rng.Uniform(0.08, 0.10);
  const std::string cup_colour = PickColour(rng);
  const std::string coaster_colour = PickFrom(rng, {"brown", "grey", "black"});
  const double cx = s > 0 ? rng.Uniform(0.15, 0.3) : rng.Uniform(-0.3, -0.15);
  const double kx = s > 0 ? rng.Uniform(-0.05, 0.1) : rng.Uniform(-0.1, 0.05);
  const double cy = rng.Uniform(-0.2, 0.05);
  const double ky = rng.Uniform(-0.2, 0.05);
  if (cup_colour == coaster_colour) return false;
  l.objects = {Make("cup", ObjectKind::kContainer, {r, h, 0}, cup_colour, cx, cy),
               Make("coaster", ObjectKind::kCoaster, {0.05, 0.006, 0}, coaster_colour, kx, ky)};
  if (DistXY(l.objects[0], l.objects[1]) < 0.1) return false;
  l.lead_arm = SideOf(cx);
  return true;
}

// RoboTwin's block placement: x in [-0.28, 0.28] with |x| >= 0.05, y in
// [-0.08, 0.05], yaw in [-0.75, 0.75], at least 0.15 from (0, -0.1) (where
// the blocks are gathered) and 0.1 from every block placed before.
bool PlaceBlock(SeededRandom& rng, TaskObject& block, const std::vector<TaskObject>& earlier) {
  block.x = rng.Uniform(-0.28, 0.28);
  block.y = rng.Uniform(-0.08, 0.05);
  block.yaw = rng.Uniform(-0.75, 0.75);
  if (std::abs(block.x) < 0.05 || std::hypot(block.x, block.y + 0.1) < 0.15) return false;
  for (const TaskObject& e : earlier) {
    if (DistXY(block, e) < 0.1) return false;
  }
  return true;
}

bool StackBlocksTwo(SeededRandom& rng, TaskLayout& l) {
  TaskObject red = Make("block_red", ObjectKind::kBlock, {0.025, 0.025, 0.025}, "red", 0, 0);
  TaskObject green = Make("block_green", ObjectKind::kBlock, {0.025, 0.025, 0.025}, "green", 0, 0);
  if (!PlaceBlock(rng, red, {})) return false;
  if (!PlaceBlock(rng, green, {red})) return false;
  l.objects = {red, green};
  l.lead_arm = SideOf(red.x);
  return true;
}

bool BlocksRankingRgb(SeededRandom& rng, TaskLayout& l) {
  std::vector<TaskObject> blocks;
  for (const char* colour : {"red", "green", "blue"}) {
    const double half = rng.Uniform(0.015, 0.025);
    TaskObject b = Make(std::string("block_") + colour, ObjectKind::kBlock, {half, half, half}, colour, 0, 0);
    if (!PlaceBlock(rng, b, blocks)) return false;
    blocks.push_back(b);
  }
  if (blocks[0].x < blocks[1].x && blocks[1].x < blocks[2].x) return false;  // already in order
  l.objects = blocks;
  l.lead_arm = SideOf(blocks[0].x);
  return true;
}

bool HandoverBlock(SeededRandom& rng, TaskLayout& l) {
  const double bx = rng.Uniform(-0.25, -0.05);
  const double by = rng.Uniform(0.0, 0.25);
  const double yaw = rng.Uniform(-0.2, 0.2);
  const double px = rng.Uniform(0.10, 0.25);
  const double py = rng.Uniform(0.15, 0.20);
  l.objects = {Make("box", ObjectKind::kBlock, {0.03, 0.03, 0.10}, "red", bx, by, yaw),
               Make("pad", ObjectKind::kPad, {0.05, 0.05, 0.005}, "blue", px, py)};
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool HandoverMic(SeededRandom& rng, TaskLayout& l) {
  const double x = EitherSide(rng, 0.15, 0.2);
  const double y = rng.Uniform(-0.05, 0.0);
  const double length = rng.Uniform(0.11, 0.13);
  const std::string colour = PickFrom(rng, {"black", "grey", "white", "blue", "red"});
  l.objects = {Make("mic", ObjectKind::kMic, {0.015, length, 0.025}, colour, x, y)};
  l.lead_arm = SideOf(x);
  return true;
}

bool LiftPot(SeededRandom& rng, TaskLayout& l) {
  const double x = rng.Uniform(-0.05, 0.05);
  const double y = rng.Uniform(-0.05, 0.05);
  const double yaw = rng.Uniform(-kPi / 8, kPi / 8);
  const double r = rng.Uniform(0.08, 0.10);
  const std::string colour = PickFrom(rng, {"grey", "black", "brown", "red", "blue"});
  l.objects = {Make("pot", ObjectKind::kPot, {r, 0.09, 0}, colour, x, y, yaw)};
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool GrabRoller(SeededRandom& rng, TaskLayout& l) {
  const double x = rng.Uniform(-0.15, 0.15);
  const double y = rng.Uniform(-0.25, -0.05);
  const std::string colour = PickColour(rng, {"black"});
  l.objects = {Make("roller", ObjectKind::kRoller, {0.025, 0.24, 0}, colour, x, y)};
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool PickDualBottles(SeededRandom& rng, TaskLayout& l) {
  std::vector<TaskObject> bottles;
  std::vector<std::string> used;
  for (const char* side : {"left", "right"}) {
    const bool is_left = std::string(side) == "left";
    const double x = is_left ? rng.Uniform(-0.25, -0.05) : rng.Uniform(0.05, 0.25);
    const double y = rng.Uniform(0.03, 0.23);
    const double r = rng.Uniform(0.028, 0.033);
    const double h = rng.Uniform(0.15, 0.18);
    const std::string colour = PickColour(rng, used);
    used.push_back(colour);
    bottles.push_back(Make(std::string("bottle_") + side, ObjectKind::kBottle, {r, h, 0}, colour, x, y));
  }
  l.objects = bottles;
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool PlaceCansPlasticbox(SeededRandom& rng, TaskLayout& l) {
  const double by = rng.Uniform(-0.15, -0.10);
  const std::string box_colour = PickFrom(rng, {"white", "grey", "cyan", "orange"});
  std::vector<TaskObject> objects = {
      Make("plasticbox", ObjectKind::kPlasticBox, {0.22, 0.12, 0.07}, box_colour, 0, by)};
  std::vector<std::string> used = {box_colour};
  for (const char* side : {"left", "right"}) {
    const bool is_left = std::string(side) == "left";
    const double x = is_left ? rng.Uniform(-0.25, -0.15) : rng.Uniform(0.15, 0.25);
    const double y = rng.Uniform(-0.15, -0.07);
    const double r = rng.Uniform(0.03, 0.033);
    const double h = rng.Uniform(0.10, 0.12);
    const std::string colour = PickColour(rng, used);
    used.push_back(colour);
    objects.push_back(Make(std::string("can_") + side, ObjectKind::kCan, {r, h, 0}, colour, x, y));
  }
  l.objects = objects;
  l.lead_arm = ArmSide::kLeft;
  return true;
}

bool PutObjectCabinet(SeededRandom& rng, TaskLayout& l) {
  const double cx = rng.Uniform(-0.05, 0.05);
  const double yaw = rng.Uniform(-kPi / 16, kPi / 16);
  const std::string cabinet_colour = PickFrom(rng, {"white", "brown", "grey"});
  TaskObject object = Primitive(rng, "object", PickColour(rng, {cabinet_colour}), false);
  object.x = rng.Uniform(-0.32, 0.32);
  object.y = rng.Uniform(-0.2, -0.1);
  if (std::abs(object.x) < 0.2) return false;
  l.objects = {Make("cabinet", ObjectKind::kCabinet, {0.30, 0.28, 0.24}, cabinet_colour, cx, 0.155, yaw), object};
  // The drawer (0.30 wide) comes out 0.20 toward the robot, its handle 0.04 further.
  l.keep_clear = {{cx, 0.155 - 0.14 - 0.12, 0.20}};
  l.lead_arm = SideOf(object.x);
  return true;
}

struct TaskSampler {
  const char* task;
  Sampler sample;
  std::vector<const char*> placeholder_objects;  // "A", "B", "C" in order
};

const std::vector<TaskSampler>& Samplers() {
  static const std::vector<TaskSampler> samplers = {
      {"place_container_plate", PlaceContainerPlate, {"container", "plate"}},
      {"open_microwave", OpenMicrowave, {"microwave"}},
      {"click_bell", ClickBell, {"bell"}},
      {"move_can_pot", MoveCanPot, {"can", "pot"}},
      {"place_a2b_left", [](SeededRandom& r, TaskLayout& l) { return PlaceA2b(r, l, true); }, {"object_a", "object_b"}},
      {"place_a2b_right", [](SeededRandom& r, TaskLayout& l) { return PlaceA2b(r, l, false); }, {"object_a", "object_b"}},
      {"place_empty_cup", PlaceEmptyCup, {"cup", "coaster"}},
      {"stack_blocks_two", StackBlocksTwo, {"block_green", "block_red"}},
      {"blocks_ranking_rgb", BlocksRankingRgb, {"block_red", "block_green", "block_blue"}},
      {"handover_block", HandoverBlock, {"box", "pad"}},
      {"handover_mic", HandoverMic, {"mic"}},
      {"lift_pot", LiftPot, {"pot"}},
      {"grab_roller", GrabRoller, {"roller"}},
      {"pick_dual_bottles", PickDualBottles, {"bottle_left", "bottle_right"}},
      {"place_cans_plasticbox", PlaceCansPlasticbox, {"can_left", "can_right", "plasticbox"}},
      {"put_object_cabinet", PutObjectCabinet, {"object", "cabinet"}},
  };
  return samplers;
}

bool FootprintsClear(const TaskLayout& l) {
  for (std::size_t i = 0; i < l.objects.size(); ++i) {
    for (std::size_t j = i + 1; j < l.objects.size(); ++j) {
      const double need = FootprintRadius(l.objects[i]) + FootprintRadius(l.objects[j]) + kFootprintClearance;
      if (DistXY(l.objects[i], l.objects[j]) < need) return false;
    }
  }
  return true;
}

}  // namespace

TaskLayout SampleLayout(const DualarmTask& task, std::uint64_t seed) {
  const TaskSampler* sampler = nullptr;
  for (const TaskSampler& s : Samplers()) {
    if (task.name == s.task) sampler = &s;
  }
  GAUNTLET_CHECK(sampler != nullptr, "no placement sampler for dualarm task " + task.name);
  SeededRandom rng(seed, "dualarm/placement/" + task.name);
  TaskLayout layout;
  layout.task = task.name;
  layout.seed = seed;
  for (int attempt = 0; attempt < kMaxPlacementAttempts; ++attempt) {
    layout.objects.clear();
    layout.keep_clear.clear();
    if (!sampler->sample(rng, layout) || !FootprintsClear(layout)) continue;
    const char* keys[] = {"A", "B", "C"};
    for (std::size_t i = 0; i < sampler->placeholder_objects.size(); ++i) {
      TaskObject& o = *std::find_if(layout.objects.begin(), layout.objects.end(),
                                    [&](const TaskObject& x) { return x.name == sampler->placeholder_objects[i]; });
      o.description = Describe(o);
      layout.placeholders[keys[i]] = o.description;
    }
    for (TaskObject& o : layout.objects) {
      if (o.description.empty()) o.description = Describe(o);
    }
    return layout;
  }
  GAUNTLET_CHECK(false, "dualarm task " + task.name + ": no placement within " +
                            std::to_string(kMaxPlacementAttempts) + " attempts for seed " + std::to_string(seed));
}

Result<TaskLayout> SampleLayout(const std::string& task, std::uint64_t seed) {
  Result<const DualarmTask*> t = FindDualarmTask(task);
  if (!t.ok()) return t.error();
  return SampleLayout(*t.value(), seed);
}

std::string LayoutMjcf(const TaskLayout& layout, double table_top_z) {
  std::string out;
  for (const TaskObject& o : layout.objects) out += TaskObjectMjcf(o, table_top_z);
  return out;
}

Status WriteLayoutState(const mjModel* m, mjData* d, const TaskLayout& layout, double table_top_z) {
  for (const TaskObject& o : layout.objects) {
    const auto joint = [&](const std::string& name) -> Result<int> {
      const int id = mj_name2id(m, mjOBJ_JOINT, name.c_str());
      if (id < 0) return Error{"model has no joint '" + name + "' for " + layout.task + "'s object " + o.name};
      return id;
    };
    if (!IsFixed(o.kind)) {
      Result<int> j = joint(FreeJointName(o));
      if (!j.ok()) return j.error();
      double* q = d->qpos + m->jnt_qposadr[j.value()];
      q[0] = o.x, q[1] = o.y, q[2] = table_top_z;
      q[3] = std::cos(o.yaw / 2), q[4] = 0, q[5] = 0, q[6] = std::sin(o.yaw / 2);
      double* v = d->qvel + m->jnt_dofadr[j.value()];
      for (int k = 0; k < 6; ++k) v[k] = 0;
    } else if (o.kind == ObjectKind::kMicrowave || o.kind == ObjectKind::kCabinet) {
      Result<int> j = joint(o.kind == ObjectKind::kMicrowave ? DoorJointName(o) : DrawerJointName(o));
      if (!j.ok()) return j.error();
      d->qpos[m->jnt_qposadr[j.value()]] = 0;
      d->qvel[m->jnt_dofadr[j.value()]] = 0;
    }
  }
  mj_forward(m, d);
  return Status::Ok();
}

}  // namespace gauntlet::envs::dualarm
