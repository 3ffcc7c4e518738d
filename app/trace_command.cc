// `gauntlet trace`: the family's scripted expert on one episode, step by
// step (its phase, the hand, the free objects, the fixtures' joints), with a
// PNG of every camera at one step. The tool for finding out why the expert
// fails an episode.
#include <cstdio>

#include "app/command.h"
#include "app/suite_paths.h"
#include "app/world_views.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/image_io.h"

namespace gauntlet::app {

namespace {

struct TraceArgs {
  std::string target, out = "trace.png";
  int init = 0, every = 10, png_at = -1;
};

// The expert reports its phase in each chunk's metadata ("phase").
std::string PhaseOf(const ActionChunk& chunk) {
  auto it = chunk.metadata.find("phase");
  return it == chunk.metadata.end() ? "-" : it->second;
}

int Trace(const TraceArgs& a) {
  auto resolved = ResolveTask(a.target, "trace");
  if (!resolved.ok()) return Fail(resolved.error().message);
  const SuiteSpec& suite = resolved.value().first;
  const TaskSpec& task = suite.tasks[resolved.value().second];
  auto family = Families().FamilyOf(suite);
  if (!family.ok()) return Fail(family.error().message);
  auto expert = Families().MakeExpert(suite.family);
  if (!expert.ok()) return Fail(expert.error().message);
  std::unique_ptr<GlContext> gl;
  if (a.png_at >= 0) {
    auto context = GlContext::Create("auto", 64, 64);
    if (!context.ok()) return Fail(context.error().message);
    gl = std::move(context).value();
  }
  auto env_r = MakeTaskEnv(*family.value(), suite, task, 256);
  if (!env_r.ok()) return Fail(env_r.error().message);
  Env& env = *env_r.value();
  if (Status st = ResetTo(env, suite, task, a.init); !st.ok()) return Fail(st.message());
  const Action settle = HoldStillOpen(env.action_spec());
  for (int i = 0; i < suite.protocol.settle_steps; ++i) env.Step(settle);
  Policy& policy = *expert.value();
  EpisodeContext context;
  context.suite = suite.name;
  context.instruction = task.instruction;
  context.embodiment = env.embodiment();
  policy.reset(context);
  const std::vector<std::string> cameras = env.observation_spec().cameras;
  std::string last_phase;
  for (int t = 0; t < suite.protocol.max_steps; ++t) {
    ObservationRequest request;
    request.privileged = true;
    if (t == a.png_at) request.cameras = cameras;
    Observation obs = env.Observe(request);
    if (t == a.png_at) {
      std::vector<Image> views;
      for (const std::string& camera : cameras) views.push_back(obs.images.at(camera));
      if (Status st = WritePng(a.out, TileHorizontally(views)); !st.ok()) return Fail(st.message());
    }
    ActionChunk chunk;
    try {
      chunk = policy.act(obs);
    } catch (const PolicyError& e) {
      std::cout << "step " << t << ": policy error: " << e.what() << "\n";
      return 1;
    }
    const PrivilegedState& ps = *obs.privileged;
    const std::string phase = PhaseOf(chunk);
    if (phase != last_phase || t % a.every == 0) {
      last_phase = phase;
      std::printf("%4d %-16s hand (%.3f %.3f %.3f) grip %.3f", t, phase.c_str(), ps.eef.pos[0], ps.eef.pos[1],
                  ps.eef.pos[2], ps.gripper_opening);
      for (const auto& [name, body] : ps.objects) {
        if (!body.fixture) std::printf("  %s (%.3f %.3f %.3f)", name.c_str(), body.pose.pos[0], body.pose.pos[1], body.pose.pos[2]);
      }
      for (const auto& [name, joint] : ps.articulations) std::printf("  %s %.3f", name.c_str(), joint.q);
      std::printf("\n");
    }
    StepResult r = env.Step(chunk.actions.at(0));
    if (r.success || r.diverged) {
      std::cout << "step " << t << ": " << (r.success ? "success" : "error: " + r.info) << "\n";
      return r.success ? 0 : 1;
    }
  }
  std::cout << "failure: the goal did not hold within " << suite.protocol.max_steps << " steps\n";
  return 1;
}

}  // namespace

Command AddTraceCommand(CLI::App& app) {
  auto args = std::make_shared<TraceArgs>();
  auto* sub = app.add_subcommand("trace", "Run the family's scripted expert on one episode and print each step");
  sub->add_option("task", args->target, "<suite>/<task index or name>, e.g. libero_10/9")->required();
  sub->add_option("--init", args->init, "Initial state index")->capture_default_str();
  sub->add_option("--every", args->every, "Print every N steps (and at each phase change)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  sub->add_option("--png-at", args->png_at, "Write every camera view at this step");
  sub->add_option("--out", args->out, "PNG file for --png-at")->capture_default_str();
  return {sub, [args] { return Trace(*args); }};
}

}  // namespace gauntlet::app
