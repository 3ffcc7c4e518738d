#include "harness/episode_runner.h"

#include <memory>

#include "harness/episode_stepper.h"
#include "harness/instance_session.h"

namespace gauntlet {

const char* ToString(ChunkMode mode) {
  switch (mode) {
    case ChunkMode::kReplanSteps: return "replan_steps";
    case ChunkMode::kFull: return "full";
    case ChunkMode::kEnsemble: return "ensemble";
  }
  return "?";
}

Result<ChunkMode> ParseChunkMode(const std::string& text) {
  if (text == "replan_steps") return ChunkMode::kReplanSteps;
  if (text == "full") return ChunkMode::kFull;
  if (text == "ensemble") return ChunkMode::kEnsemble;
  return Error{"unknown chunk mode '" + text + "' (use replan_steps, full or ensemble)"};
}

Status CheckChunking(const RunnerOptions& options, int chunk_length) {
  if (chunk_length > 0 && options.chunk_mode == ChunkMode::kReplanSteps && options.replan_steps > chunk_length) {
    return Error{"--replan-steps " + std::to_string(options.replan_steps) + " exceeds the " +
                 std::to_string(chunk_length) + " actions per chunk the policy declares"};
  }
  return Status::Ok();
}

EpisodeOutcome RunEpisode(Env& env, Policy& policy, const EpisodeSpec& spec,
                          const EpisodeContext& context, const RunnerOptions& options) {
  // The caller keeps the policy: the session does not own it.
  auto session = std::make_shared<InstanceSession>(std::shared_ptr<Policy>(&policy, [](Policy*) {}));
  EpisodeStepper stepper(env, session, policy.info(), spec, context, options);
  while (stepper.Advance()) stepper.Answer(AnswerWithInstance(*session, *stepper.query()));
  return stepper.TakeOutcome();
}

}  // namespace gauntlet
