#include "policies/scripted/tabletop/task_plan.h"

#include <cmath>

#include "harness/policy.h"
#include "harness/text_join.h"
#include "policies/scripted/tabletop/mouth.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kOpenEnough = 0.03;  // a drawer this close to its open target counts as open
}  // namespace

std::string AtomText(const std::vector<std::string>& atom) { return JoinText(atom, " "); }

std::optional<Subgoal> NextSubgoal(const PrivilegedState& s) {
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
  if (chosen < 0) return std::nullopt;
  Subgoal next;
  next.atom = chosen;
  const std::vector<std::string>& atom = s.goal[chosen];
  const std::string& p = atom[0];
  if ((p == "on" || p == "in") && atom.size() == 3) {
    // Into a drawer that is shut: open it first.
    if (auto r = s.regions.find(atom[2]); r != s.regions.end() && !r->second.joint.empty()) {
      auto a = s.articulations.find(r->second.joint);
      if (a != s.articulations.end() && a->second.targets.count("open") &&
          a->second.q > a->second.targets.at("open") + kOpenEnough) {
        next.skill = Subgoal::Skill::kWorkJoint;
        next.joint = r->second.joint;
        next.joint_target = a->second.targets.at("open");
        return next;
      }
    }
    next.skill = Subgoal::Skill::kPickPlace;
    return next;
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
      next.skill = Subgoal::Skill::kWorkJoint;
      next.joint = *worst;
      next.joint_target = s.articulations.at(*worst).targets.at(p);
      return next;
    }
  }
  throw PolicyError("oracle: no skill achieves (" + AtomText(atom) + ")");
}

}  // namespace gauntlet::policies::scripted::tabletop
