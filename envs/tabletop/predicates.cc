#include "envs/tabletop/predicates.h"

#include <cmath>
#include <map>

namespace gauntlet::envs::tabletop {

namespace {

// Index of the instance (fixture or object) whose body subtree holds `body`.
int InstanceOfBody(const mjModel* m, int body, const std::map<int, int>& root_to_instance) {
  while (body > 0) {
    auto it = root_to_instance.find(body);
    if (it != root_to_instance.end()) return it->second;
    body = m->body_parentid[body];
  }
  return -1;
}

}  // namespace

Result<GoalEvaluator> GoalEvaluator::Compile(const mjModel* m, const TabletopScene& scene,
                                             const std::vector<BddlAtom>& atoms) {
  GoalEvaluator eval;
  std::map<std::string, int> instance_index;
  std::map<int, int> root_to_instance;
  std::map<std::string, const ObjectModel*> categories;
  auto add = [&](const SceneInstance& inst) {
    int index = static_cast<int>(instance_index.size());
    instance_index[inst.name] = index;
    root_to_instance[mj_name2id(m, mjOBJ_BODY, inst.name.c_str())] = index;
    categories[inst.name] = inst.model;
  };
  for (const auto& f : scene.fixtures) add(f);
  for (const auto& o : scene.objects) add(o);
  eval.geom_instance_.resize(m->ngeom);
  for (int g = 0; g < m->ngeom; ++g) {
    eval.geom_instance_[g] = InstanceOfBody(m, m->geom_bodyid[g], root_to_instance);
  }

  auto where = [&](const BddlAtom& atom) {
    return scene.task.source + ":" + std::to_string(atom.line) + ": ";
  };
  auto body_of = [&](const std::string& name) { return mj_name2id(m, mjOBJ_BODY, name.c_str()); };
  auto joints_under = [&](int body, bool subtree) {
    std::vector<int> qpos;
    for (int j = 0; j < m->njnt; ++j) {
      int b = m->jnt_bodyid[j];
      bool inside = b == body;
      while (subtree && !inside && b > 0) {
        b = m->body_parentid[b];
        inside = b == body;
      }
      if (inside && m->jnt_type[j] != mjJNT_FREE) qpos.push_back(m->jnt_qposadr[j]);
    }
    return qpos;
  };

  for (const BddlAtom& atom : atoms) {
    Compiled c{};
    const std::string& p = atom.predicate;
    const int argc = static_cast<int>(atom.args.size());
    auto need = [&](int n) -> Status {
      if (argc != n) {
        return Error{where(atom) + "(" + p + " ...) takes " + std::to_string(n) +
                     " argument(s), got " + std::to_string(argc)};
      }
      return Status::Ok();
    };
    if (p == "on" || p == "in") {
      if (auto s = need(2); !s.ok()) return Error{s.message()};
      c.body = body_of(atom.args[0]);
      if (c.body < 0 || !instance_index.count(atom.args[0])) {
        return Error{where(atom) + "'" + atom.args[0] + "' is not an object of this task"};
      }
      c.instance = instance_index[atom.args[0]];
      const std::string& target = atom.args[1];
      c.site = mj_name2id(m, mjOBJ_SITE, target.c_str());
      if (p == "on" && c.site < 0 && instance_index.count(target)) {
        c.kind = Kind::kOnObject;
        c.other_body = body_of(target);
        c.owner = instance_index[target];
      } else if (c.site >= 0) {
        c.kind = p == "on" ? Kind::kOnSite : Kind::kIn;
        c.owner = InstanceOfBody(m, m->site_bodyid[c.site], root_to_instance);
      } else {
        return Error{where(atom) + "'" + target + "' is neither an object nor a region of this task"};
      }
    } else if (p == "up") {
      if (auto s = need(1); !s.ok()) return Error{s.message()};
      c.kind = Kind::kUp;
      c.body = body_of(atom.args[0]);
      if (c.body < 0) return Error{where(atom) + "'" + atom.args[0] + "' is not an object of this task"};
    } else if (p == "open" || p == "close" || p == "turnon" || p == "turnoff") {
      if (auto s = need(1); !s.ok()) return Error{s.message()};
      const std::string& target = atom.args[0];
      int site = mj_name2id(m, mjOBJ_SITE, target.c_str());
      int body = site >= 0 ? m->site_bodyid[site] : body_of(target);
      if (body < 0) return Error{where(atom) + "'" + target + "' is neither a fixture nor a region"};
      int owner = InstanceOfBody(m, body, root_to_instance);
      const ObjectModel* model = nullptr;
      for (const auto& [name, index] : instance_index) {
        if (index == owner) model = categories[name];
      }
      if (model == nullptr || !model->articulation) {
        return Error{where(atom) + "'" + target + "' has no articulated joint for (" + p + ")"};
      }
      // A region's body is its drawer (only that joint counts); an instance
      // name means every joint of the fixture.
      c.joint_qpos = joints_under(body, site < 0);
      const Articulation& a = *model->articulation;
      std::optional<double> threshold;
      if (p == "open") { c.kind = Kind::kOpen; threshold = a.open_below; }
      if (p == "close") { c.kind = Kind::kClose; threshold = a.closed_above; }
      if (p == "turnon") { c.kind = Kind::kTurnOn; threshold = a.on_at_least; }
      if (p == "turnoff") { c.kind = Kind::kTurnOff; threshold = a.off_below; }
      if (!threshold || c.joint_qpos.empty()) {
        return Error{where(atom) + "'" + model->category + "' does not support (" + p + ")"};
      }
      c.threshold = *threshold;
    } else {
      return Error{where(atom) + "unknown predicate '" + p +
                   "' (known: On, In, Up, Open, Close, TurnOn, TurnOff)"};
    }
    eval.atoms_.push_back(c);
  }
  return eval;
}

bool GoalEvaluator::Touching(const mjData* d, int a, int b) const {
  for (int i = 0; i < d->ncon; ++i) {
    const int ga = geom_instance_[d->contact[i].geom1], gb = geom_instance_[d->contact[i].geom2];
    if ((ga == a && gb == b) || (ga == b && gb == a)) return true;
  }
  return false;
}

bool GoalEvaluator::Evaluate(const mjModel* m, const mjData* d, const Compiled& c) const {
  const double* pa = c.body >= 0 ? d->xpos + 3 * c.body : nullptr;
  switch (c.kind) {
    case Kind::kOnObject: {
      const double* pb = d->xpos + 3 * c.other_body;
      return pb[2] <= pa[2] && std::hypot(pa[0] - pb[0], pa[1] - pb[1]) < 0.03 &&
             Touching(d, c.instance, c.owner);
    }
    case Kind::kOnSite:
    case Kind::kIn: {
      const double* ps = d->site_xpos + 3 * c.site;
      const double* rs = d->site_xmat + 9 * c.site;
      const double* h = m->site_size + 3 * c.site;
      double local[3];
      for (int i = 0; i < 3; ++i) {  // R^T (p_a - p_s)
        local[i] = rs[i] * (pa[0] - ps[0]) + rs[3 + i] * (pa[1] - ps[1]) + rs[6 + i] * (pa[2] - ps[2]);
      }
      if (c.kind == Kind::kOnSite) {
        bool above = local[2] > h[2] - 0.005 && local[2] < h[2] + 0.10 &&
                     std::abs(local[0]) < h[0] && std::abs(local[1]) < h[1];
        return above && (c.owner < 0 || Touching(d, c.instance, c.owner));
      }
      return std::abs(local[0]) < h[0] && std::abs(local[1]) < h[1] && local[2] > -h[2] - 0.01 &&
             local[2] < h[2];
    }
    case Kind::kUp: return pa[2] >= 1.0;
    case Kind::kOpen:
    case Kind::kTurnOn:
      for (int q : c.joint_qpos) {
        double v = d->qpos[q];
        if (c.kind == Kind::kOpen ? v < c.threshold : v >= c.threshold) return true;
      }
      return false;
    case Kind::kClose:
    case Kind::kTurnOff:
      for (int q : c.joint_qpos) {
        double v = d->qpos[q];
        if (c.kind == Kind::kClose ? !(v > c.threshold) : !(v < c.threshold)) return false;
      }
      return true;
  }
  return false;
}

bool GoalEvaluator::Holds(const mjModel* m, const mjData* d, int atom) const {
  return Evaluate(m, d, atoms_[atom]);
}

bool GoalEvaluator::AllHold(const mjModel* m, const mjData* d) const {
  for (const Compiled& c : atoms_) {
    if (!Evaluate(m, d, c)) return false;
  }
  return !atoms_.empty();
}

}  // namespace gauntlet::envs::tabletop
