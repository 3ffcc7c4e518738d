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
  try {
    policy.reset(context);
  } catch (const PolicyTimeout& e) {
    return finish(EpisodeStatus::kTimeout, std::string("policy: reset: ") + e.what());
  } catch (const std::exception& e) {
    return finish(EpisodeStatus::kError, std::string("policy: reset failed: ") + e.what());
  }
  reset_done = true;

  std::unique_ptr<VideoWriter> video;
  ObservationRequest request{info.needs.cameras, info.needs.privileged};
  if (!options.video_path.empty()) {
    bool listed = false;
    for (const auto& c : request.cameras) listed |= c == options.video_camera;
    if (!listed) request.cameras.push_back(options.video_camera);
  }
  ObservationRequest video_only{{options.video_camera}, false};

  const Action settle = HoldStillOpen(env.action_spec());
  for (int i = 0; i < spec.settle_steps; ++i) {
    StepResult r = env.Step(settle);
    if (r.diverged) return finish(EpisodeStatus::kError, r.info);
  }

  std::deque<Action> queue;
  Ensemble ensemble;
  for (int t = 0; t < spec.max_steps; ++t) {
    Action action;
    const bool query = options.chunk_mode == ChunkMode::kEnsemble || queue.empty();
    if (query) {
      const auto render_start = Clock::now();
      Observation obs;
      try {
        obs = env.Observe(request);
      } catch (const EnvError& e) {
        out.steps = t;
        return finish(EpisodeStatus::kError, e.what());
      }
      out.render_s += Seconds(render_start);
      obs.step = t;
      if (!options.video_path.empty()) {
        const Image& frame = obs.images.at(options.video_camera);
        if (!video) {
          auto opened = VideoWriter::Open(options.video_path, 20.0, frame.width, frame.height);
          if (!opened.ok()) return finish(EpisodeStatus::kError, "video: " + opened.error().message);
          video = std::move(opened).value();
        }
        (void)video->AddFrame(frame);
      }
      ActionChunk chunk;
      const auto policy_start = Clock::now();
      try {
        chunk = policy.act(obs);
      } catch (const PolicyTimeout& e) {
        out.steps = t;
        return finish(EpisodeStatus::kTimeout, std::string("policy: ") + e.what());
      } catch (const std::exception& e) {
        out.steps = t;
        return finish(EpisodeStatus::kError, std::string("policy: ") + e.what());
      }
      out.policy_s += Seconds(policy_start);
      ++out.policy_queries;
      if (chunk.actions.empty()) {
        out.steps = t;
        return finish(EpisodeStatus::kError, "policy: returned an empty action chunk");
      }
      for (size_t i = 0; i < chunk.actions.size(); ++i) {
        if (Status s = ValidateAction(env.action_spec(), chunk.actions[i]); !s.ok()) {
          out.steps = t;
          return finish(EpisodeStatus::kError,
                        "policy: chunk action " + std::to_string(i) + " at step " + std::to_string(t) +
                            ": " + s.message());
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
        out.steps = t;
        return finish(EpisodeStatus::kError, e.what());
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
    out.steps = t + 1;
    if (r.diverged) return finish(EpisodeStatus::kError, r.info);
    if (r.success) {
      if (video) (void)video->Close();
      if (video) out.video_path = options.video_path;
      return finish(EpisodeStatus::kSuccess, "goal");
    }
    if (Seconds(start) > options.episode_timeout_s) {
      return finish(EpisodeStatus::kTimeout, "watchdog: episode exceeded " +
                                                 std::to_string(options.episode_timeout_s) + " s");
    }
  }
  if (video) {
    (void)video->Close();
    out.video_path = options.video_path;
  }
  return finish(EpisodeStatus::kFailure, "max_steps");
}

}  // namespace gauntlet
