// One episode as a resumable computation: it runs the physics until the
// policy must answer a query, hands the observation out and waits, so that a
// worker can step other episodes while the answer is computed elsewhere
// (batched with other episodes' queries, on a server). RunEpisode
// (episode_runner.h) is the same loop answered in place; the order of what
// happens, and therefore every outcome, is the same either way.
//
//   stepper = EpisodeStepper(env, session, info, spec, context, options)
//   while (stepper.Advance()) stepper.Answer(answer to stepper.query())
//   outcome = stepper.TakeOutcome()
//
// Threads: one thread at a time (the worker that owns `env`).
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "harness/env.h"
#include "harness/episode_runner.h"
#include "harness/policy.h"
#include "harness/video_writer.h"

namespace gauntlet {

// How an answer travelled when queries are gathered into batches.
struct QueryStats {
  double queue_wait_ms = 0;  // from the hand-over until its batch was dispatched
  int batch_size = 1;        // queries answered by that call
};

class EpisodeStepper {
 public:
  // `env` must outlive the stepper; `session` is the episode's
  // side of the policy whose `info` it was built from.
  EpisodeStepper(Env& env, std::shared_ptr<PolicySession> session, PolicyInfo info, EpisodeSpec spec,
                 EpisodeContext context, const RunnerOptions& options);

  // Runs until a query waits for its answer (true) or the episode has ended
  // (false). Never throws for a policy's or the world's failure.
  bool Advance();
  // The waiting query's observation (valid after Advance returned true).
  const std::shared_ptr<const Observation>& query() const { return query_; }
  // The waiting query's answer; `stats` when it came through a batcher.
  void Answer(PolicyAnswer answer, const QueryStats* stats = nullptr);
  // Ends a waiting episode from outside (a call that never returned).
  void Abandon(EpisodeStatus status, const std::string& why);

  bool ended() const { return phase_ == Phase::kEnded; }
  const EpisodeKey& key() const { return spec_.key; }
  // The finished episode (after Advance returned false).
  EpisodeOutcome TakeOutcome() { return std::move(out_); }

 private:
  enum class Phase { kStart, kControl, kWaiting, kEnded };
  using Clock = std::chrono::steady_clock;

  void Finish(EpisodeStatus status, const std::string& why);
  // Finish, and in a chain the current subtask is recorded as not done.
  void FailStretch(EpisodeStatus status, const std::string& why);
  bool ResetSession(const EpisodeContext& context);
  bool Start();
  bool BeginStretch(int max_steps);
  bool BeginSubtask(size_t position);
  bool EndStretch(bool goal);
  bool Query();
  bool Step();
  void RecordSubtask(bool success);
  bool AddVideoFrame(const Image& frame);
  void CloseVideo();

  Env& env_;
  std::shared_ptr<PolicySession> session_;
  const PolicyInfo info_;
  const EpisodeSpec spec_;
  const EpisodeContext context_;
  const RunnerOptions options_;
  const Clock::time_point start_;

  Phase phase_ = Phase::kStart;
  EpisodeOutcome out_;
  bool reset_done_ = false;
  ObservationRequest request_;
  ObservationRequest video_only_;
  std::unique_ptr<VideoWriter> video_;

  // The current stretch of control toward one goal: the whole of a
  // single-goal episode, or one subtask of a chain. Observations count steps
  // from its start (the policy was reset there).
  size_t subtask_ = 0;   // position in the chain
  int stretch_max_ = 0;
  int stretch_done_ = 0;  // policy steps of earlier subtasks
  int t_ = 0;
  bool answered_ = false;  // an answer arrived; its first action is not yet applied
  std::deque<Action> queue_;
  struct Chunk { int start; std::vector<Action> actions; };
  std::deque<Chunk> ensemble_;  // kEnsemble: every chunk still covering a step

  std::shared_ptr<const Observation> query_;
  Clock::time_point query_start_;
  std::vector<double> queue_wait_ms_;
  std::vector<int> batch_sizes_;
};

}  // namespace gauntlet
