#include "harness/episode_stepper.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "harness/percentile.h"
#include "harness/policy_spec.h"

namespace gauntlet {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The events a session reports when its episode ends.
struct Collector : EventSink {
  explicit Collector(std::vector<Event>* events) : events(events) {}
  std::vector<Event>* events;
  void Emit(const EpisodeKey&, const Event& event) override { events->push_back(event); }
};

}  // namespace

EpisodeStepper::EpisodeStepper(Env& env, std::shared_ptr<PolicySession> session, PolicyInfo info,
                               EpisodeSpec spec, EpisodeContext context, const RunnerOptions& options)
    : env_(env),
      session_(std::move(session)),
      info_(std::move(info)),
      spec_(std::move(spec)),
      context_(std::move(context)),
      options_(options),
      start_(Clock::now()) {
  out_.key = spec_.key;
  out_.embodiment = env_.embodiment();
  // The variant's parameters go to the perturbations table with the episode.
  if (spec_.perturbation) {
    out_.events.push_back(PerturbationApplied{spec_.perturbation->dimension, spec_.perturbation->level,
                                              spec_.perturbation->params.dump()});
  }
}

void EpisodeStepper::Finish(EpisodeStatus status, const std::string& why) {
  out_.status = status;
  out_.termination = why;
  if (reset_done_) {
    Collector collector(&out_.events);
    try {
      session_->on_event(collector, spec_.key);
    } catch (const std::exception& e) {
      out_.events.push_back(
          NoteEvent{"policy_error", out_.steps, nlohmann::json{{"on_event", e.what()}}.dump()});
    }
  }
  if (!queue_wait_ms_.empty()) {
    // The batcher's share goes into the policy's own timing event, or one of
    // its own when the policy keeps none.
    PolicyTiming* timing = nullptr;
    for (Event& e : out_.events) {
      if (auto* t = std::get_if<PolicyTiming>(&e)) timing = t;
    }
    if (!timing) {
      PolicyTiming fresh;
      fresh.step = out_.steps;
      fresh.requests = out_.policy_queries;
      out_.events.push_back(fresh);
      timing = &std::get<PolicyTiming>(out_.events.back());
    }
    std::vector<double> waits = queue_wait_ms_;
    std::sort(waits.begin(), waits.end());
    std::vector<int> sizes = batch_sizes_;
    std::sort(sizes.begin(), sizes.end());
    timing->queued_requests = static_cast<int>(waits.size());
    timing->queue_wait_mean_ms = std::accumulate(waits.begin(), waits.end(), 0.0) / waits.size();
    timing->queue_wait_p50_ms = NearestRank(waits, 0.50);
    timing->queue_wait_p95_ms = NearestRank(waits, 0.95);
    timing->queue_wait_max_ms = waits.back();
    timing->batch_size_mean = std::accumulate(sizes.begin(), sizes.end(), 0.0) / sizes.size();
    timing->batch_size_p50 = NearestRank(sizes, 0.50);
    timing->batch_size_max = sizes.back();
  }
  out_.wall_s = SecondsSince(start_);
  out_.state_hash = env_.state_hash();
  phase_ = Phase::kEnded;
  query_.reset();
}

void EpisodeStepper::FailStretch(EpisodeStatus status, const std::string& why) {
  Finish(status, why);
  if (!spec_.chain.empty()) RecordSubtask(false);
}

bool EpisodeStepper::ResetSession(const EpisodeContext& context) {
  try {
    session_->reset(context);
  } catch (const PolicyTimeout& e) {
    Finish(EpisodeStatus::kTimeout, std::string("policy: reset: ") + e.what());
    return false;
  } catch (const std::exception& e) {
    Finish(EpisodeStatus::kError, std::string("policy: reset failed: ") + e.what());
    return false;
  }
  return true;
}

bool EpisodeStepper::Start() {
  if (Status s = CheckPolicyFits(env_.action_spec(), env_.observation_spec(), info_); !s.ok()) {
    Finish(EpisodeStatus::kError, s.message());
    return false;
  }
  if (Status s = CheckChunking(options_, info_.action_spec.chunk_length); !s.ok()) {
    Finish(EpisodeStatus::kError, "policy '" + info_.name + "': " + s.message());
    return false;
  }
  if (Status s = env_.Reset(spec_); !s.ok()) {
    Finish(EpisodeStatus::kError, "env: " + s.message());
    return false;
  }
  // A single goal's instruction is the env's once it is reset: families that
  // draw it per episode (the dual-arm family's templates) decide it there.
  EpisodeContext first = context_;
  if (spec_.chain.empty()) first.instruction = env_.instruction();
  if (!ResetSession(first)) return false;
  reset_done_ = true;

  request_ = ObservationRequest{info_.needs.cameras, info_.needs.privileged};
  if (!options_.video_path.empty()) {
    if (std::find(request_.cameras.begin(), request_.cameras.end(), options_.video_camera) ==
        request_.cameras.end()) {
      request_.cameras.push_back(options_.video_camera);
    }
    video_only_ = ObservationRequest{{options_.video_camera}, false};
  }

  const Action settle = env_.SettleAction();
  for (int i = 0; i < spec_.settle_steps; ++i) {
    StepResult r = env_.Step(settle);
    if (r.diverged) {
      Finish(EpisodeStatus::kError, r.info);
      return false;
    }
  }
  if (spec_.chain.empty()) return BeginStretch(spec_.max_steps);
  return BeginSubtask(0);
}

bool EpisodeStepper::BeginStretch(int max_steps) {
  stretch_max_ = max_steps;
  stretch_done_ = out_.steps;
  t_ = 0;
  queue_.clear();
  ensemble_.clear();
  phase_ = Phase::kControl;
  return true;
}

void EpisodeStepper::RecordSubtask(bool success) {
  const SubtaskSpec& subtask = spec_.chain[subtask_];
  out_.events.push_back(SubtaskResult{static_cast<int>(subtask_), subtask.task, subtask.instruction, success,
                                      out_.steps - stretch_done_, stretch_done_});
}

// An instruction chain: each subtask's result becomes a `subtasks` row; the
// first subtask that does not succeed ends the episode.
bool EpisodeStepper::BeginSubtask(size_t position) {
  subtask_ = position;
  stretch_done_ = out_.steps;  // RecordSubtask counts from here even if nothing runs
  const SubtaskSpec& subtask = spec_.chain[position];
  if (Status s = env_.BeginSubtask(subtask); !s.ok()) {
    RecordSubtask(false);
    Finish(EpisodeStatus::kError, "env: subtask " + std::to_string(position) + ": " + s.message());
    return false;
  }
  if (position > 0) {
    EpisodeContext next = context_;
    next.instruction = subtask.instruction;
    next.subtask = static_cast<int>(position);
    if (!info_.needs.task_id) next.task.clear();
    else next.task = subtask.task;
    if (!ResetSession(next)) {
      RecordSubtask(false);
      return false;
    }
  }
  return BeginStretch(subtask.max_steps);
}

bool EpisodeStepper::EndStretch(bool goal) {
  if (spec_.chain.empty()) {
    CloseVideo();
    Finish(goal ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure, goal ? "goal" : "max_steps");
    return false;
  }
  RecordSubtask(goal);
  const SubtaskSpec& subtask = spec_.chain[subtask_];
  if (!goal) {
    CloseVideo();
    Finish(EpisodeStatus::kFailure,
           "subtask " + std::to_string(subtask_) + " (" + subtask.task + "): max_steps");
    return false;
  }
  if (subtask_ + 1 == spec_.chain.size()) {
    CloseVideo();
    Finish(EpisodeStatus::kSuccess, "goal");
    return false;
  }
  return BeginSubtask(subtask_ + 1);
}

bool EpisodeStepper::AddVideoFrame(const Image& frame) {
  if (!video_) {
    auto opened = VideoWriter::Open(options_.video_path, 20.0, frame.width, frame.height);
    if (!opened.ok()) {
      FailStretch(EpisodeStatus::kError, "video: " + opened.error().message);
      return false;
    }
    video_ = std::move(opened).value();
  }
  (void)video_->AddFrame(frame);
  return true;
}

void EpisodeStepper::CloseVideo() {
  if (!video_) return;
  (void)video_->Close();
  out_.video_path = options_.video_path;
}

// Failing here ends a chain's subtask as not done.
bool EpisodeStepper::Query() {
  const auto render_start = Clock::now();
  auto obs = std::make_shared<Observation>();
  try {
    *obs = env_.Observe(request_);
  } catch (const EnvError& e) {
    out_.steps = stretch_done_ + t_;
    FailStretch(EpisodeStatus::kError, e.what());
    return false;
  }
  out_.render_s += SecondsSince(render_start);
  obs->step = t_;
  if (!options_.video_path.empty() && !AddVideoFrame(obs->images.at(options_.video_camera))) return false;
  query_ = std::move(obs);
  query_start_ = Clock::now();
  phase_ = Phase::kWaiting;
  return true;
}

void EpisodeStepper::Answer(PolicyAnswer answer, const QueryStats* stats) {
  if (phase_ != Phase::kWaiting) return;  // abandoned meanwhile
  out_.steps = stretch_done_ + t_;
  query_.reset();
  phase_ = Phase::kControl;
  if (answer.error) {
    try {
      std::rethrow_exception(answer.error);
    } catch (const PolicyTimeout& e) {
      FailStretch(EpisodeStatus::kTimeout, std::string("policy: ") + e.what());
    } catch (const std::exception& e) {
      FailStretch(EpisodeStatus::kError, std::string("policy: ") + e.what());
    } catch (...) {
      FailStretch(EpisodeStatus::kError, "policy: an exception that is not a std::exception");
    }
    return;
  }
  out_.policy_s += SecondsSince(query_start_);
  ++out_.policy_queries;
  if (stats) {
    queue_wait_ms_.push_back(stats->queue_wait_ms);
    batch_sizes_.push_back(stats->batch_size);
  }
  answered_ = true;
  auto fail = [&](const std::string& why) { FailStretch(EpisodeStatus::kError, "policy: " + why); };
  ActionChunk& chunk = answer.chunk;
  if (chunk.actions.empty()) return fail("returned an empty action chunk");
  for (size_t i = 0; i < chunk.actions.size(); ++i) {
    if (Status s = ValidateAction(env_.action_spec(), chunk.actions[i]); !s.ok()) {
      return fail("chunk action " + std::to_string(i) + " at step " + std::to_string(t_) + ": " + s.message());
    }
  }
  if (options_.chunk_mode == ChunkMode::kEnsemble) {
    ensemble_.push_back({t_, std::move(chunk.actions)});
  } else {
    const size_t n = options_.chunk_mode == ChunkMode::kFull
                         ? chunk.actions.size()
                         : std::min<size_t>(chunk.actions.size(), std::max(1, options_.replan_steps));
    queue_.assign(std::make_move_iterator(chunk.actions.begin()),
                  std::make_move_iterator(chunk.actions.begin() + n));
  }
}

void EpisodeStepper::Abandon(EpisodeStatus status, const std::string& why) {
  if (phase_ == Phase::kEnded) return;
  out_.steps = stretch_done_ + t_;
  if (phase_ == Phase::kStart) return Finish(status, why);
  FailStretch(status, why);
}

// One control step with the queued (or ensembled) action.
bool EpisodeStepper::Step() {
  Action action;
  if (options_.chunk_mode == ChunkMode::kEnsemble) {
    // Temporal ensembling (ACT): every chunk predicted at step s covers steps
    // s..s+H-1; the action at step t averages the predictions for t with
    // weights exp(-decay * i), i = 0 for the oldest prediction.
    while (!ensemble_.empty() && ensemble_.front().start + static_cast<int>(ensemble_.front().actions.size()) <= t_) {
      ensemble_.pop_front();
    }
    double total = 0;
    int i = 0;
    for (const Chunk& c : ensemble_) {
      const Action& a = c.actions[t_ - c.start];
      const double w = std::exp(-options_.ensemble_decay * i++);
      if (action.empty()) action.assign(a.size(), 0.0);
      for (size_t k = 0; k < a.size(); ++k) action[k] += w * a[k];
      total += w;
    }
    for (double& v : action) v /= total;
  } else {
    action = std::move(queue_.front());
    queue_.pop_front();
  }
  StepResult r = env_.Step(action);
  out_.actions.push_back(std::move(action));
  out_.steps = stretch_done_ + t_ + 1;
  ++t_;
  if (r.diverged) {
    FailStretch(EpisodeStatus::kError, r.info);
    return false;
  }
  if (r.success) return EndStretch(true);
  if (SecondsSince(start_) > options_.episode_timeout_s) {
    FailStretch(EpisodeStatus::kTimeout,
                "watchdog: episode exceeded " + std::to_string(options_.episode_timeout_s) + " s");
    return false;
  }
  return true;
}

bool EpisodeStepper::Advance() {
  if (phase_ == Phase::kStart && !Start()) return false;
  while (phase_ == Phase::kControl) {
    // The step right after an answer uses it: nothing is observed before it.
    if (!answered_) {
      if (t_ >= stretch_max_) {
        if (!EndStretch(false)) return false;
        continue;
      }
      if (options_.chunk_mode == ChunkMode::kEnsemble || queue_.empty()) return Query();
      if (!options_.video_path.empty()) {
        try {
          if (!AddVideoFrame(env_.Observe(video_only_).images.at(options_.video_camera))) return false;
        } catch (const EnvError& e) {
          out_.steps = stretch_done_ + t_;
          FailStretch(EpisodeStatus::kError, e.what());
          return false;
        }
      }
    }
    answered_ = false;
    if (!Step()) return false;
  }
  return phase_ == Phase::kWaiting;
}

}  // namespace gauntlet
