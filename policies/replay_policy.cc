#include "policies/replay_policy.h"

#include <nlohmann/json.hpp>

namespace gauntlet::policies {

ReplayPolicy::ReplayPolicy(ActionSpec spec, Recordings recordings, std::string source)
    : spec_(std::move(spec)), recordings_(std::move(recordings)), source_(std::move(source)) {}

PolicyInfo ReplayPolicy::info() const {
  PolicyInfo info;
  info.name = "replay";
  info.kind = "replay";
  info.action_spec = spec_;
  info.needs.task_id = true;  // to pick the recording of this task
  info.source = source_;
  return info;
}

void ReplayPolicy::reset(const EpisodeContext& context) {
  auto it = recordings_.find({context.task, context.init_state});
  current_ = it == recordings_.end() ? nullptr : &it->second;
  missing_ = current_ ? "" : source_ + " has no episode for task '" + context.task +
                                 "' initial state " + std::to_string(context.init_state);
}

ActionChunk ReplayPolicy::act(const Observation& observation) {
  if (current_ == nullptr) throw PolicyError("replay: " + missing_);
  if (observation.step >= static_cast<int>(current_->size())) {
    throw PolicyError("replay: the recording ends after " + std::to_string(current_->size()) +
                      " steps");
  }
  return ActionChunk{{(*current_)[observation.step]}, {}};
}

}  // namespace gauntlet::policies
