#include "policies/scripted/dualarm/dualarm_view.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/policy.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

const std::vector<double>& Key(const Observation& o, const std::string& key, std::size_t size) {
  const auto it = o.state.find(key);
  if (it == o.state.end() || it->second.size() != size) {
    throw PolicyError("dualarm oracle: the observation has no state '" + key + "' of " + std::to_string(size) +
                      " values");
  }
  return it->second;
}

}  // namespace

DualarmView::DualarmView(const Observation& observation) {
  if (!observation.privileged) throw PolicyError("oracle needs privileged state, but the environment gave none");
  state_ = &*observation.privileged;
  if (state_->goal.empty() || state_->goal.front().empty()) {
    throw PolicyError("dualarm oracle: the privileged state names no task (goal is empty)");
  }
  task_ = state_->goal.front().front();
  const std::vector<double>& joints = Key(observation, "joint_pos", 14);
  for (Hand hand : kHands) {
    const std::string side = hand == Hand::kLeft ? "left" : "right";
    const std::vector<double>& p = Key(observation, side + "_eef_pos", 3);
    const std::vector<double>& q = Key(observation, side + "_eef_quat", 4);
    ArmView& a = arms_[Index(hand)];
    a.pos = {p[0], p[1], p[2]};
    a.quat = Normalized({q[0], q[1], q[2], q[3]});
    a.gripper = joints[hand == Hand::kLeft ? 6 : 13];
  }
}

bool DualarmView::HasSite(const std::string& name) const { return state_->regions.count(name) > 0; }

Vec3 DualarmView::Site(const std::string& name) const {
  const auto it = state_->regions.find(name);
  if (it == state_->regions.end()) throw PolicyError("dualarm oracle (" + task_ + "): the scene has no site '" + name + "'");
  return it->second.pose.pos;
}

bool DualarmView::HasObject(const std::string& name) const { return state_->objects.count(name) > 0; }

const PrivilegedState::Body& DualarmView::Object(const std::string& name) const {
  const auto it = state_->objects.find(name);
  if (it == state_->objects.end()) {
    throw PolicyError("dualarm oracle (" + task_ + "): the scene has no object '" + name + "'");
  }
  return it->second;
}

Quat DualarmView::Orientation(const std::string& object) const { return Normalized(Object(object).pose.quat); }

const PrivilegedState::Articulation& DualarmView::ArticulationOf(const std::string& object) const {
  for (const auto& [name, art] : state_->articulations) {
    if (art.owner == object) return art;
  }
  throw PolicyError("dualarm oracle (" + task_ + "): no articulation owned by '" + object + "'");
}

double DualarmView::ClutterTopAlong(const Vec3& from, const Vec3& to, double reach) const {
  double top = -std::numeric_limits<double>::infinity();
  const double dx = to[0] - from[0], dy = to[1] - from[1];
  const double length2 = dx * dx + dy * dy;
  for (const auto& [name, body] : state_->objects) {
    if (!body.fixture || name.rfind("clutter_", 0) != 0) continue;
    const Vec3& p = body.pose.pos;
    // Distance from the clutter's origin to the segment, in the plane.
    double t = length2 > 1e-12 ? ((p[0] - from[0]) * dx + (p[1] - from[1]) * dy) / length2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double d = std::hypot(p[0] - from[0] - t * dx, p[1] - from[1] - t * dy);
    if (d < body.half_extent[0] + reach) top = std::max(top, p[2] + body.support_height);
  }
  return top;
}

Vec3 DualarmView::Shoulder(Hand hand) {
  // Every embodiment's arm bases stand near (-+0.3, -0.42, 0.75)
  // (envs/dualarm/embodiment.cc): a fact of the family, not read per episode.
  return {SideSign(hand) * 0.3, -0.42, 0.75};
}

}  // namespace gauntlet::policies::scripted::dualarm
