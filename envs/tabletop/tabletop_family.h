// The tabletop family's entry points for the harness: build a task's Env from
// the suite's TaskSpec, and (re)generate a task's fixed initial states.
#pragma once

#include <memory>
#include <optional>

#include "harness/env.h"
#include "harness/family.h"
#include "harness/family_registry.h"
#include "harness/suite_spec.h"

namespace gauntlet::envs::tabletop {

inline constexpr const char* kFamilyName = "tabletop";

// `world` (a layout perturbation) rewrites the task first; that world's
// initial states are generated on the spot (count: `world_states`), seeded
// from the suite, the task and the variant. `camera_sizes`: cameras rendered
// at a size other than image_width x image_height.
Result<std::unique_ptr<Env>> MakeTabletopEnv(const SuiteSpec& suite, const TaskSpec& task,
                                             int image_width, int image_height, bool shadows,
                                             const std::optional<Perturbation>& world = std::nullopt,
                                             int world_states = 1,
                                             const std::map<std::string, ImageSize>& camera_sizes = {});

// Generates the task's initial states (suite.protocol.trials of them) with a
// seed derived from the suite's init_state_seed and the task name, and writes
// them to task.init_states.
Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task);

// Seed of a task's initial-state generator.
std::uint64_t InitStateSeed(const SuiteSpec& suite, const TaskSpec& task);

// The family as the harness sees it: a Franka Panda on LIBERO's 7-d
// end-effector delta interface, agentview + wrist cameras, tasks in LIBERO's
// BDDL dialect, single-goal episodes (chains of tasks that share a world run
// too: each subtask's goal is compiled against the first task's world).
class TabletopFamily : public Family {
 public:
  std::string name() const override { return kFamilyName; }
  std::vector<std::string> embodiments() const override { return {"panda"}; }
  std::vector<ActionSpec> action_specs(const std::string& embodiment) const override;
  ObservationSpec observation_spec(const std::string& embodiment, int image_width, int image_height) const override;
  std::string video_camera() const override;
  Result<std::unique_ptr<Env>> MakeEnv(const WorldRequest& request) const override;
  Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task) const override;
  std::vector<std::string> task_file_extensions() const override { return {".bddl"}; }
  Result<TaskFileInfo> ReadTaskFile(const std::string& path) const override;
};

Status RegisterFamily(FamilyRegistry& registry);

}  // namespace gauntlet::envs::tabletop
