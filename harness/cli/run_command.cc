#include "harness/cli/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "envs/tabletop/bddl_task.h"
#include "harness/cli/episode_plan.h"
#include "envs/tabletop/tabletop_env.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"
#include "harness/policy_spec.h"
#include "harness/run_metadata.h"
#include "harness/scheduler.h"
#include "reports/summary.h"
#include "results/results_store.h"
#include "gauntlet_build_paths.h"

namespace fs = std::filesystem;

namespace gauntlet::cli {

std::string ResolveSuitePath(const std::string& arg) {
  if (arg.size() > 5 && arg.substr(arg.size() - 5) == ".yaml") return arg;
  for (const fs::path& base : {fs::path("suites"), fs::path(GAUNTLET_SOURCE_DIR) / "suites"}) {
    if (fs::exists(base / (arg + ".yaml"))) return (base / (arg + ".yaml")).string();
  }
  return arg + ".yaml";
}

namespace {

int Fail(const std::string& message) {
  std::cerr << "gauntlet: " << message << "\n";
  return 2;
}

std::string FormatDuration(double s) {
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  else std::snprintf(buf, sizeof buf, "%.0fs", s);
  return buf;
}

// A one-task suite around a task file of the user's. Its fixed initial states
// are generated on first use (deterministically, seeded from the file's
// content) and kept beside the results file, named by that content hash.
Result<SuiteSpec> TaskFileSuite(const RunArgs& a) {
  auto bddl = envs::tabletop::LoadBddlFile(a.task_file);
  if (!bddl.ok()) return bddl.error();
  const std::string hash = HashFiles({a.task_file});
  SuiteSpec suite;
  suite.name = fs::path(a.task_file).stem().string();  // a suite of its own
  suite.family = envs::tabletop::kFamilyName;
  suite.path = fs::absolute(a.task_file).string();
  suite.init_state_seed = std::stoull(hash, nullptr, 16);
  suite.protocol.max_steps = a.max_steps > 0 ? a.max_steps : 300;
  suite.protocol.trials = a.trials > 0 ? a.trials : 50;
  suite.cameras = {envs::tabletop::kAgentviewCamera, "wrist"};
  TaskSpec task;
  task.name = fs::path(a.task_file).stem().string();
  task.file = suite.path;
  task.instruction = bddl.value().language;
  task.init_states = (fs::absolute(a.db).parent_path() / "init_states" /
                      (task.name + "-" + hash + "-" + std::to_string(suite.protocol.trials) + ".json"))
                         .string();
  suite.tasks.push_back(task);
  if (!fs::exists(task.init_states)) {
    std::cerr << "gauntlet: generating " << suite.protocol.trials << " initial states for "
              << a.task_file << " into " << task.init_states << "\n";
    if (Status s = envs::tabletop::WriteInitStates(suite, task); !s.ok()) return Error{s.message()};
  }
  return suite;
}

// One suite's episodes as one run, named `run_name` (default <suite>-<policy>).
// The perturbation grids as the run config stores them (resume compares them).
nlohmann::json PerturbationConfig(const SuiteSpec& suite) {
  if (suite.perturbations.empty()) return nullptr;
  nlohmann::json grids = nlohmann::json::array();
  for (const auto& g : suite.perturbations) {
    grids.push_back({{"dimension", g.dimension}, {"levels", g.levels}, {"variants_per_level", g.variants_per_level},
                     {"tasks", g.tasks}, {"init_states", g.init_states}});
  }
  return {{"set", suite.set_name},
          {"grids", grids},
          {"baseline", suite.perturbation_baseline},
          {"language_mode", suite.language_mode == LanguageMode::kFaithful ? "faithful" : "clean"},
          {"language_pool_hash", suite.language_pool.empty() ? "" : HashFiles({suite.language_pool})},
          {"sampler", "gauntlet/perturbation/v1"}};
}

int RunSuite(const RunArgs& a, const SuiteSpec& suite, const std::string& run_name,
             const std::optional<PolicyBuild>& policy_override) {
  if (suite.family != envs::tabletop::kFamilyName) {
    return Fail(suite.path + ": family '" + suite.family + "' is not available (available: tabletop)");
  }
  auto tasks = suite.SelectTasks(a.tasks);
  if (!tasks.ok()) return Fail(tasks.error().message);
  const int trials = a.trials > 0 ? a.trials : suite.protocol.trials;
  if (trials > suite.protocol.trials) {
    return Fail("--trials " + std::to_string(trials) + ": suite " + suite.name + " has only " +
                std::to_string(suite.protocol.trials) + " fixed initial states per task");
  }
  auto chunk_mode = ParseChunkMode(a.chunk_mode);
  if (!chunk_mode.ok()) return Fail("--chunk-mode: " + chunk_mode.error().message);
  const int width = a.image_size > 0 ? a.image_size : suite.image_width;
  const int height = a.image_size > 0 ? a.image_size : suite.image_height;
  auto plan = PlanEpisodes(suite, tasks.value(), trials);
  if (!plan.ok()) return Fail(plan.error().message);
  const ActionSpec family_spec = envs::tabletop::TabletopActionSpec();
  const ObservationSpec family_offer = envs::tabletop::TabletopObservationSpec(width, height);
  // One policy is built here to check the request (bad file, unreachable
  // server, unknown setting, spec mismatch) before anything is stored.
  PolicyRequest request = a.policy;
  if (request.replay_db.empty()) request.replay_db = a.db;
  Result<PolicyBuild> built = policy_override ? Result<PolicyBuild>(*policy_override)
                                              : BuildPolicy(request, family_spec, family_offer);
  if (!built.ok()) return Fail("--policy " + a.policy.spec + ": " + built.error().message);
  const PolicyInfo info = built.value().info;
  const PolicyFactory make_policy = built.value().factory;
  if (Status s = CheckPolicyFits(family_spec, family_offer, info); !s.ok()) return Fail(s.message());
  if (Status s = CheckChunking(RunnerOptions{chunk_mode.value(), a.replan_steps}, info.action_spec.chunk_length); !s.ok()) {
    return Fail("policy '" + info.name + "': " + s.message());
  }
  const bool render = !info.needs.cameras.empty() || !a.video_dir.empty();
  // Probed even for state-only runs, so every run records what it could render with.
  auto probed = ProbeRenderBackend(a.render_backend);
  if (render && !probed.ok()) return Fail(probed.error().message);
  const std::string backend = !probed.ok() ? "unavailable (state-only run): " + probed.error().message
                              : render     ? probed.value()
                                           : probed.value() + " (not used: state-only run)";

  // Everything that determines outcomes; a resumed run must match it exactly.
  std::vector<std::string> files{suite.path};
  nlohmann::json task_names = nlohmann::json::array();  // the resolved task list
  for (int t : tasks.value()) {
    files.push_back(suite.tasks[t].file);
    files.push_back(suite.tasks[t].init_states);
    task_names.push_back({{"index", t}, {"name", suite.tasks[t].name},
                          {"instruction", suite.tasks[t].instruction}});
  }
  nlohmann::json config = {
      {"suite", {{"name", suite.name}, {"version", suite.version}, {"files_hash", HashFiles(files)}}},
      {"tasks", task_names},
      {"trials", trials},
      {"protocol", {{"settle_steps", suite.protocol.settle_steps}, {"max_steps", suite.protocol.max_steps}}},
      {"policy", {{"name", info.name},
                  {"kind", info.kind},
                  {"source", info.source},
                  {"checkpoint_sha256", info.checkpoint_sha256},
                  {"spec", DeclaredSpecJson(info)},
                  {"settings", nlohmann::json::parse(info.settings_json)},
                  {"metadata", nlohmann::json::parse(info.metadata_json)}}},
      {"adapters", nlohmann::json::parse(info.adapters_json)},
      {"chunk", {{"mode", a.chunk_mode}, {"replan_steps", a.replan_steps}, {"ensemble_decay", a.ensemble_decay}}},
      {"observation", {{"cameras", info.needs.cameras}, {"width", width}, {"height", height}, {"shadows", a.shadows}}},
      {"seed", a.seed},
      {"perturbations", PerturbationConfig(suite)},
      {"mujoco", MujocoVersion()}};
  nlohmann::json execution = {{"workers", a.workers}, {"db", a.db}, {"video_dir", a.video_dir},
                              {"render_backend", a.render_backend}, {"episode_timeout_s", a.episode_timeout}};

  auto store_r = results::ResultsStore::Open(a.db);
  if (!store_r.ok()) return Fail(store_r.error().message);
  auto& store = *store_r.value();
  results::RunRecord run;
  run.name = !run_name.empty()        ? run_name
             : suite.set_name.empty() ? suite.name + "-" + info.name
                                      : suite.set_name + "-" + suite.name + "-" + info.name;
  run.suite = suite.name;
  run.config_json = config.dump();
  run.execution_json = execution.dump();
  run.git_sha = GitDescription();
  run.host = HostName();
  run.mujoco_version = MujocoVersion();
  run.render_backend = backend;
  run.cpu_flags = CpuFlags();
  run.gauntlet_version = "0.1.0";
  run.planned_episodes = static_cast<int>(plan.value().size());
  results::PolicyRecord policy_record;
  policy_record.name = info.name;
  policy_record.kind = info.kind;
  policy_record.source = info.source;
  policy_record.checkpoint_sha256 = info.checkpoint_sha256;
  policy_record.spec_json = DeclaredSpecJson(info).dump();
  policy_record.adapters_json = nlohmann::json::parse(info.adapters_json).dump();
  policy_record.settings_json = nlohmann::json::parse(info.settings_json).dump();
  policy_record.metadata_json = nlohmann::json::parse(info.metadata_json).dump();
  auto handle_r = store.BeginRun(run, policy_record);
  if (!handle_r.ok()) return Fail(handle_r.error().message);
  const results::RunHandle handle = handle_r.value();
  auto done_r = store.FinishedEpisodes(handle.run_id);
  if (!done_r.ok()) return Fail(done_r.error().message);
  const std::set<EpisodeKey>& done = done_r.value();

  std::vector<WorkItem> work;
  for (const PlannedEpisode& e : plan.value()) {
    const int t = e.task;
    WorkItem item;
    item.spec.key = {suite.name, suite.tasks[t].name, e.variant, e.init_state, a.seed};
    if (done.count(item.spec.key)) continue;
    item.spec.task_index = t;
    item.spec.settle_steps = suite.protocol.settle_steps;
    item.spec.max_steps = suite.protocol.max_steps;
    item.spec.perturbation = e.perturbation;
    item.spec.instruction = e.instruction;
    item.context.suite = suite.name;
    item.context.instruction = e.instruction;
    item.context.embodiment = "panda";
    item.context.init_state = e.init_state;
    item.context.seed = DeriveSeed(item.spec.key, 0);
    if (info.needs.task_id) {
      item.context.task = suite.tasks[t].name;
      item.context.task_index = t;
    }
    if (!a.video_dir.empty()) {
      std::string name = item.spec.key.ToString();
      for (char& c : name) c = c == '/' ? '.' : c;
      item.video_path = (fs::path(a.video_dir) / (name + ".mp4")).string();
    }
    work.push_back(item);
  }
  if (!a.video_dir.empty()) fs::create_directories(a.video_dir);
  std::cerr << "gauntlet: run '" << run.name << "' in " << a.db << (handle.resumed ? " (resumed, " : " (")
            << done.size() << " of " << run.planned_episodes << " episodes already stored); render: "
            << backend << "; workers: " << a.workers << "\n";

  // llvmpipe starts one render thread per core in every context; with several
  // workers one thread each scales better (TRAPS.md).
  if (render && a.workers > 1) setenv("LP_NUM_THREADS", "1", 0);

  ScheduleOptions options;
  options.workers = a.workers;
  options.render = render;
  options.render_backend = a.render_backend;
  options.runner.chunk_mode = chunk_mode.value();
  options.runner.replan_steps = a.replan_steps;
  options.runner.ensemble_decay = a.ensemble_decay;
  options.runner.episode_timeout_s = a.episode_timeout;
  const auto start = std::chrono::steady_clock::now();
  int finished = 0, successes = 0, write_errors = 0;
  const bool tty = isatty(STDERR_FILENO);
  auto on_outcome = [&](const EpisodeOutcome& o) {
    if (Status s = store.WriteEpisodes(handle, {o}); !s.ok()) {
      ++write_errors;
      std::cerr << "\ngauntlet: " << s.message() << "\n";
      return;
    }
    ++finished;
    successes += o.status == EpisodeStatus::kSuccess;
    if (a.quiet) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = elapsed / finished * (work.size() - finished);
    char line[256];
    std::snprintf(line, sizeof line, "[%4zu/%d] success %d/%d (%.1f%%)  elapsed %s  ETA %s",
                  done.size() + finished, run.planned_episodes, successes, finished,
                  100.0 * successes / finished, FormatDuration(elapsed).c_str(), FormatDuration(eta).c_str());
    std::cerr << (tty ? "\r" : "") << line << (tty ? "" : "\n");
    if (o.status == EpisodeStatus::kError || o.status == EpisodeStatus::kTimeout) {
      std::cerr << (tty ? "\n" : "") << "  " << o.key.ToString() << ": " << ToString(o.status) << ": "
                << o.termination << "\n";
    }
  };
  int world_states = 1;  // initial states a layout variant's own world needs
  for (const auto& g : suite.perturbations) {
    if (g.dimension == "layout") {
      for (int i : g.init_states) world_states = std::max(world_states, i + 1);
    }
  }
  auto make_env = [&](const TaskSpec& task, const std::optional<Perturbation>& world) {
    return envs::tabletop::MakeTabletopEnv(suite, task, width, height, a.shadows, world, world_states);
  };
  Status status = RunSchedule(work, suite, make_env, make_policy, options, on_outcome);
  if (tty && !a.quiet) std::cerr << "\n";
  const bool complete = status.ok() && write_errors == 0 && finished == static_cast<int>(work.size());
  (void)store.FinishRun(handle, complete);
  if (!status.ok()) return Fail(status.message());
  reports::SummaryOptions summary_options;
  summary_options.run_name = run.name;
  if (auto summary = reports::FormatSummary(a.db, summary_options); summary.ok()) {
    std::cout << summary.value();
  }
  return complete ? 0 : 1;
}

}  // namespace

int Run(const RunArgs& a, const std::optional<PolicyBuild>& policy_override) {
  if (a.suite.empty() == a.task_file.empty()) {
    return Fail("run: give a suite (file or name) or --task-file PATH.bddl, not both");
  }
  if (!a.task_file.empty()) {
    auto suite = TaskFileSuite(a);
    if (!suite.ok()) return Fail(suite.error().message);
    return RunSuite(a, suite.value(), a.run_name, policy_override);
  }
  auto set = LoadSuiteSet(ResolveSuitePath(a.suite));
  if (!set.ok()) return Fail(set.error().message);
  const auto& suites = set.value().suites;
  if (suites.size() == 1) return RunSuite(a, suites[0], a.run_name, policy_override);
  if (!a.tasks.empty() || a.policy.spec == "replay") {
    return Fail("'" + set.value().name + "' is a set of suites: --tasks and --policy replay take one of its "
                "suites at a time");
  }
  // Each suite is a run of its own with its own protocol, named as if it ran
  // alone (or <run-name>/<suite>): the set resumes suite by suite, and shares
  // finished suites with single-suite runs of the same configuration.
  int worst = 0;
  for (const SuiteSpec& suite : suites) {
    worst = std::max(worst, RunSuite(a, suite, a.run_name.empty() ? "" : a.run_name + "/" + suite.name, policy_override));
  }
  return worst;
}


}  // namespace gauntlet::cli
