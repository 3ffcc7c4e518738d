#include "policies/scripted/dualarm/dualarm_expert.h"

#include <functional>
#include <map>

#include "harness/policy.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

using PlanMaker = std::function<Plan(const DualarmView&)>;

const std::map<std::string, PlanMaker>& Plans() {
  static const std::map<std::string, PlanMaker> plans = {
      {"place_container_plate", PlaceContainerPlatePlan},
      {"place_empty_cup", PlaceEmptyCupPlan},
      {"move_can_pot", MoveCanPotPlan},
      {"place_a2b_left", [](const DualarmView& v) { return PlaceA2bPlan(v, true); }},
      {"place_a2b_right", [](const DualarmView& v) { return PlaceA2bPlan(v, false); }},
      {"stack_blocks_two", StackBlocksTwoPlan},
      {"blocks_ranking_rgb", BlocksRankingRgbPlan},
      {"place_cans_plasticbox", PlaceCansPlasticboxPlan},
      {"handover_block", HandoverBlockPlan},
      {"handover_mic", HandoverMicPlan},
      {"lift_pot", LiftPotPlan},
      {"grab_roller", GrabRollerPlan},
      {"pick_dual_bottles", PickDualBottlesPlan},
      {"open_microwave", OpenMicrowavePlan},
      {"put_object_cabinet", PutObjectCabinetPlan},
      {"click_bell", ClickBellPlan},
  };
  return plans;
}

}  // namespace

bool HasPlan(const std::string& task) { return Plans().count(task) > 0; }

Action DualarmExpert::Act(const Observation& observation) {
  const DualarmView view(observation);
  if (!script_.started()) {
    const auto it = Plans().find(view.task());
    if (it == Plans().end()) throw PolicyError("dualarm oracle: no scripted plan for task '" + view.task() + "'");
    script_.Start(it->second(view), view);
  }
  return script_.Step(view);
}

}  // namespace gauntlet::policies::scripted::dualarm
