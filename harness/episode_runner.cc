#include "harness/episode_runner.h"

#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/policy_spec.h"
#include "harness/video_writer.h"

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

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Temporal ensembling (ACT): every chunk predicted at step s covers steps
// s..s+H-1; the action at step t averages the predictions for t with weights
// exp(-decay * i), i = 0 for the oldest prediction.
struct Ensemble {
  struct Entry { int start; std::vector<Action> actions; };
  std::deque<Entry> chunks;
  Action At(int t, double decay) {
    while (!chunks.empty() && chunks.front().start + static_cast<int>(chunks.front().actions.size()) <= t) {
      chunks.pop_front();
    }
    Action sum;
    double total = 0;
    int i = 0;
    for (const Entry& e : chunks) {
      const Action& a = e.actions[t - e.start];
      const double w = std::exp(-decay * i++);
      if (sum.empty()) sum.assign(a.size(), 0.0);
      for (size_t k = 0; k < a.size(); ++k) sum[k] += w * a[k];
      total += w;
    }
    for (double& v : sum) v /= total;
    return sum;
  }
};

}  // namespace

EpisodeOutcome RunEpisode(Env& env, Policy& policy, const EpisodeSpec& spec,
                          const EpisodeContext& context, const RunnerOptions& options) {
  const auto start = Clock::now();
  EpisodeOutcome out;
  out.key = spec.key;
  out.embodiment = env.embodiment();
  // Events the policy reports when the episode ends, however it ends.
  struct Collector : EventSink {
    std::vector<Event>* events;
    void Emit(const EpisodeKey&, const Event& event) override { events->push_back(event); }
  } collector;
  collector.events = &out.events;
  // The variant's parameters go to the perturbations table with the episode.
  if (spec.perturbation) {
    out.events.push_back(PerturbationApplied{spec.perturbation->dimension, spec.perturbation->level,
                                             spec.perturbation->params.dump()});
  }
  bool reset_done = false;
  auto finish = [&](EpisodeStatus status, const std::string& why) {
    out.status = status;
    out.termination = why;
    if (reset_done) {
      try {
        policy.on_event(collector, spec.key);
      } catch (const std::exception& e) {
        out.events.push_back(NoteEvent{"policy_error", out.steps, nlohmann::json{{"on_event", e.what()}}.dump()});
      }
    }
    out.wall_s = Seconds(start);
    out.state_hash = env.state_hash();
    return out;
  };

  const PolicyInfo info = policy.info();
  if (Status s = CheckPolicyFits(env.action_spec(), env.observation_spec(), info); !s.ok()) {
    return finish(EpisodeStatus::kError, s.message());
  }
  if (Status s = CheckChunking(options, info.action_spec.chunk_length); !s.ok()) {
    return finish(EpisodeStatus::kError, "policy '" + info.name + "': " + s.message());
  }
  if (Status s = env.Reset(spec); !s.ok()) return finish(EpisodeStatus::kError, "env: " + s.message());
  // Resets the policy for the episode (or, in a chain, for each subtask);
  // false when the episode has ended.
  auto reset_policy = [&](const EpisodeContext& c) {
    try {
      policy.reset(c);
    } catch (const PolicyTimeout& e) {
      finish(EpisodeStatus::kTimeout, std::string("policy: reset: ") + e.what());
      return false;
    } catch (const std::exception& e) {
      finish(EpisodeStatus::kError, std::string("policy: reset failed: ") + e.what());
      return false;
    }
    return true;
  };
  // A single goal's instruction is the env's once it is reset: families that
  // draw it per episode (the dual-arm family's templates) decide it there.
  EpisodeContext first = context;
  if (spec.chain.empty()) first.instruction = env.instruction();
  if (!reset_policy(first)) return out;
  reset_done = true;

  std::unique_ptr<VideoWriter> video;
  ObservationRequest request{info.needs.cameras, info.needs.privileged};
  if (!options.video_path.empty()) {
    bool listed = false;
    for (const auto& c : request.cameras) listed |= c == options.video_camera;
    if (!listed) request.cameras.push_back(options.video_camera);
  }
  ObservationRequest video_only{{options.video_camera}, false};
  auto close_video = [&] {
    if (!video) return;
    (void)video->Close();
    out.video_path = options.video_path;
  };

  const Action settle = env.SettleAction();
  for (int i = 0; i < spec.settle_steps; ++i) {
    StepResult r = env.Step(settle);
    if (r.diverged) return finish(EpisodeStatus::kError, r.info);
  }

  // One stretch of policy control toward one goal: the whole of a
  // single-goal episode, or one subtask of a chain. `done` counts the policy
  // steps of earlier subtasks; observations count steps from the stretch's
  // start (the policy was reset there).
  enum class End { kGoal, kMaxSteps, kFinished };  // kFinished: finish() has run
  auto control = [&](int max_steps, int done) -> End {
    std::deque<Action> queue;
    Ensemble ensemble;
    for (int t = 0; t < max_steps; ++t) {
      Action action;
      const bool query = options.chunk_mode == ChunkMode::kEnsemble || queue.empty();
      if (query) {
        const auto render_start = Clock::now();
        Observation obs;
        try {
          obs = env.Observe(request);
        } catch (const EnvError& e) {
          out.steps = done + t;
          finish(EpisodeStatus::kError, e.what());
          return End::kFinished;
        }
        out.render_s += Seconds(render_start);
        obs.step = t;
        if (!options.video_path.empty()) {
          const Image& frame = obs.images.at(options.video_camera);
          if (!video) {
            auto opened = VideoWriter::Open(options.video_path, 20.0, frame.width, frame.height);
            if (!opened.ok()) {
              finish(EpisodeStatus::kError, "video: " + opened.error().message);
              return End::kFinished;
            }
            video = std::move(opened).value();
          }
          (void)video->AddFrame(frame);
        }
        ActionChunk chunk;
        const auto policy_start = Clock::now();
        try {
          chunk = policy.act(obs);
        } catch (const PolicyTimeout& e) {
          out.steps = done + t;
          finish(EpisodeStatus::kTimeout, std::string("policy: ") + e.what());
          return End::kFinished;
        } catch (const std::exception& e) {
          out.steps = done + t;
          finish(EpisodeStatus::kError, std::string("policy: ") + e.what());
          return End::kFinished;
        }
        out.policy_s += Seconds(policy_start);
        ++out.policy_queries;
        if (chunk.actions.empty()) {
          out.steps = done + t;
          finish(EpisodeStatus::kError, "policy: returned an empty action chunk");
          return End::kFinished;
        }
        for (size_t i = 0; i < chunk.actions.size(); ++i) {
          if (Status s = ValidateAction(env.action_spec(), chunk.actions[i]); !s.ok()) {
            out.steps = done + t;
            finish(EpisodeStatus::kError, "policy: chunk action " + std::to_string(i) + " at step " +
                                              std::to_string(t) + ": " + s.message());
            return End::kFinished;
          }
        }
        if (options.chunk_mode == ChunkMode::kEnsemble) {
          ensemble.chunks.push_back({t, std::move(chunk.actions)});
        } else {
          size_t n = options.chunk_mode == ChunkMode::kFull
                         ? chunk.actions.size()
                         : std::min<size_t>(chunk.actions.size(), std::max(1, options.replan_steps));
          queue.assign(chunk.actions.begin(), chunk.actions.begin() + n);
        }
      } else if (!options.video_path.empty()) {
        try {
          (void)video->AddFrame(env.Observe(video_only).images.at(options.video_camera));
        } catch (const EnvError& e) {
          out.steps = done + t;
          finish(EpisodeStatus::kError, e.what());
          return End::kFinished;
        }
      }
      if (options.chunk_mode == ChunkMode::kEnsemble) {
        action = ensemble.At(t, options.ensemble_decay);
      } else {
        action = std::move(queue.front());
        queue.pop_front();
      }
      StepResult r = env.Step(action);
      out.actions.push_back(std::move(action));
      out.steps = done + t + 1;
      if (r.diverged) {
        finish(EpisodeStatus::kError, r.info);
        return End::kFinished;
      }
      if (r.success) return End::kGoal;
      if (Seconds(start) > options.episode_timeout_s) {
        finish(EpisodeStatus::kTimeout,
               "watchdog: episode exceeded " + std::to_string(options.episode_timeout_s) + " s");
        return End::kFinished;
      }
    }
    return End::kMaxSteps;
  };

  if (spec.chain.empty()) {
    const End end = control(spec.max_steps, 0);
    if (end == End::kFinished) return out;
    close_video();
    return end == End::kGoal ? finish(EpisodeStatus::kSuccess, "goal") : finish(EpisodeStatus::kFailure, "max_steps");
  }

  // An instruction chain: each subtask's result becomes a `subtasks` row;
  // the first subtask that does not succeed ends the episode.
  for (size_t position = 0; position < spec.chain.size(); ++position) {
    const SubtaskSpec& subtask = spec.chain[position];
    const int begun_at = out.steps;
    auto record = [&](bool success) {
      out.events.push_back(SubtaskResult{static_cast<int>(position), subtask.task, subtask.instruction, success,
                                         out.steps - begun_at, begun_at});
    };
    if (Status s = env.BeginSubtask(subtask); !s.ok()) {
      record(false);
      return finish(EpisodeStatus::kError, "env: subtask " + std::to_string(position) + ": " + s.message());
    }
    if (position > 0) {
      EpisodeContext next = context;
      next.instruction = subtask.instruction;
      next.subtask = static_cast<int>(position);
      if (!info.needs.task_id) next.task.clear();
      else next.task = subtask.task;
      if (!reset_policy(next)) {
        record(false);
        return out;
      }
    }
    const End end = control(subtask.max_steps, out.steps);
    record(end == End::kGoal);
    if (end == End::kFinished) return out;
    if (end == End::kMaxSteps) {
      close_video();
      return finish(EpisodeStatus::kFailure, "subtask " + std::to_string(position) + " (" + subtask.task +
                                                 "): max_steps");
    }
  }
  close_video();
  return finish(EpisodeStatus::kSuccess, "goal");
}

}  // namespace gauntlet
