// The playtable family (CALVIN-style) as the harness sees it: a Franka-like
// arm at CALVIN's desk on CALVIN's relative end-effector interface, the
// static and gripper cameras, the 34 tasks as rules in code, and
// instruction chains generated as CALVIN generates its evaluation chains.
//
// Suite settings (`world:`): `scene` = A, B, C or D (default D, CALVIN's
// evaluation desk). Chains: `chains: {generator: calvin, count: 1000}`
// (CALVIN's evaluation chains) or `{generator: calvin_pairs, count: N}`: one
// single-subtask chain per task and start state from which CALVIN's rules let
// the task start (N must be that number; a solvability sweep).
#pragma once

#include <memory>

#include "harness/family.h"
#include "harness/family_registry.h"

namespace gauntlet::envs::playtable {

inline constexpr const char* kFamilyName = "playtable";
inline constexpr const char* kCalvinGenerator = "calvin";
inline constexpr const char* kPairsGenerator = "calvin_pairs";

class PlaytableFamily : public Family {
 public:
  std::string name() const override { return kFamilyName; }
  std::vector<std::string> embodiments() const override { return {"panda"}; }
  std::vector<ActionSpec> action_specs(const std::string& embodiment) const override;
  ObservationSpec observation_spec(const std::string& embodiment, int image_width, int image_height) const override;
  std::string video_camera() const override;
  EpisodeProtocol protocol() const override { return EpisodeProtocol::kChain; }
  bool world_per_task() const override { return false; }
  Result<std::unique_ptr<Env>> MakeEnv(const WorldRequest& request) const override;
  Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task) const override;
  Result<std::vector<ChainSpec>> GenerateChains(const SuiteSpec& suite, const std::string& generator,
                                                int count) const override;
};

Status RegisterFamily(FamilyRegistry& registry);

}  // namespace gauntlet::envs::playtable
