#include "app/world_views.h"

namespace gauntlet::app {

Result<std::unique_ptr<Env>> MakeTaskEnv(const Family& family, const SuiteSpec& suite, const TaskSpec& task,
                                         int image_size, const std::optional<Perturbation>& world,
                                         int world_states) {
  WorldRequest request;
  request.suite = &suite;
  request.task = &task;
  request.image_width = image_size;
  request.image_height = image_size;
  request.world = world;
  request.world_states = world_states;
  return family.MakeEnv(request);
}

Status ResetTo(Env& env, const SuiteSpec& suite, const TaskSpec& task, int init,
               const std::optional<Perturbation>& p, const std::string& variant) {
  EpisodeSpec spec;
  spec.key = {suite.name, task.name, variant, init, 0};
  spec.task_index = task.index;
  spec.perturbation = p;
  return env.Reset(spec);
}

}  // namespace gauntlet::app
