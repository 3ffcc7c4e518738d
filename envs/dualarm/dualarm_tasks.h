// The dual-arm family's tasks as data: the 16 tasks recommended for a
// primitive-geometry RoboTwin 2.0 (RoboTwin-Platform/RoboTwin @ 44a3ff4),
// with RoboTwin's step limits, which arms a task needs, X-VLA's published
// Easy (clean) / Hard (randomized) success rates, MergeVLA's task labels, and
// gauntlet's own instruction templates.
//
// Instruction templates name objects through placeholders ("{A}", "{B}",
// "{C}") that the placement sampler fills from the objects it drew, e.g.
// "{A}" -> "the red bowl". As in RoboTwin, a seen set is for training and
// the clean/randomized evaluation, an unseen set for evaluation in RoboTwin's
// eval_mode.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::envs::dualarm {

enum class ArmSide { kLeft, kRight };
const char* ArmSideName(ArmSide side);  // "left", "right"

// How a task uses the two arms.
enum class ArmUse {
  kOneArm,        // one arm, chosen by the side (x sign) of the object it works
  kHandover,      // one arm grasps, hands over in the middle, the other finishes
  kSimultaneous,  // both arms grasp at once (lifting one object or two)
  kSequential,    // both arms, one after the other (e.g. open, then place)
};
const char* ArmUseName(ArmUse use);  // "one_arm", "handover", "simultaneous", "sequential"

enum class InstructionSet { kSeen, kUnseen };

struct DualarmTask {
  std::string name;          // RoboTwin's task name, e.g. "place_container_plate"
  int step_limit = 0;        // RoboTwin's _eval_step_limit.yml (actions)
  ArmUse arms = ArmUse::kOneArm;
  double xvla_easy = 0;      // X-VLA's success %, clean setting (seed 004, Table 18)
  double xvla_hard = 0;      // ... randomized setting
  std::string mergevla;      // MergeVLA's label ("T1", "T2", "T3") or ""
  std::vector<std::string> placeholders;  // the ones its templates use, e.g. {"A", "B"}
  std::vector<std::string> seen;          // instruction templates
  std::vector<std::string> unseen;

  const std::vector<std::string>& Templates(InstructionSet set) const {
    return set == InstructionSet::kSeen ? seen : unseen;
  }
};

// The 16 tasks, in the reference's order.
const std::vector<DualarmTask>& DualarmTasks();

// The task called `name`; an error naming the closest known names otherwise.
Result<const DualarmTask*> FindDualarmTask(const std::string& name);

// `text` with every "{KEY}" replaced by values[KEY]; an error naming the
// placeholder when a key has no value or a brace is left open.
Result<std::string> FillTemplate(const std::string& text, const std::map<std::string, std::string>& values);

// One instruction of `set`, the template picked by `seed` (its own random
// stream), filled from `values`. The first letter is capitalised.
Result<std::string> DrawInstruction(const DualarmTask& task, InstructionSet set, std::uint64_t seed,
                                    const std::map<std::string, std::string>& values);

}  // namespace gauntlet::envs::dualarm
