// The episode loop: the one place that drives an Env with a Policy.
//
//   env.Reset(spec); policy.reset(context)
//   settle: spec.settle_steps no-op steps (gripper open), no observation
//   control(max_steps):                             // one goal
//     for t in [0, max_steps):
//       if no action is queued:                     // only then is anything rendered
//         obs = env.Observe(cameras the policy reads); obs.step = t
//         chunk = policy.act(obs); check size and finiteness of every action
//         queue = first replan_steps actions (replan_steps), all (full), or
//                 the temporal ensemble of every chunk covering t (ensemble)
//       env.Step(queue.pop())
//       goal holds -> done; physics diverged -> error; wall time over -> timeout
//   single-goal episode: control(spec.max_steps); max_steps reached -> failure
//   instruction chain:   for each subtask k (no reset of the world between):
//                          env.BeginSubtask(k); k > 0: policy.reset(context of k)
//                          control(k.max_steps) -> a `subtask` event (position,
//                          task, success, steps); not reached -> failure, stop
//                        every subtask done -> success
#pragma once

#include <string>

#include "harness/env.h"
#include "harness/policy.h"

namespace gauntlet {

enum class ChunkMode { kReplanSteps, kFull, kEnsemble };
const char* ToString(ChunkMode mode);
Result<ChunkMode> ParseChunkMode(const std::string& text);

struct RunnerOptions {
  ChunkMode chunk_mode = ChunkMode::kReplanSteps;
  int replan_steps = 1;          // actions executed per query in kReplanSteps
  double ensemble_decay = 0.01;  // ACT's temporal-ensemble weight exp(-decay * age)
  double episode_timeout_s = 600;
  std::string video_path;        // non-empty: write the first camera's frames as MP4
  std::string video_camera = "agentview";
};

// A replan_steps mode that executes more actions than the policy's chunks
// hold is refused (openpi's client asserts the same).
Status CheckChunking(const RunnerOptions& options, int chunk_length);

// Never throws for a policy's or the world's failure: those end the episode
// as "error" (with the reason in `termination`) so the run goes on.
EpisodeOutcome RunEpisode(Env& env, Policy& policy, const EpisodeSpec& spec,
                          const EpisodeContext& context, const RunnerOptions& options);

}  // namespace gauntlet
