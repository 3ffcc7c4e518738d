#include "app/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "app/command.h"
#include "app/embodiment_choice.h"
#include "app/episode_plan.h"
#include "app/shard_plan.h"
#include "app/task_file_suite.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"
#include "harness/policy_spec.h"
#include "harness/run_metadata.h"
#include "harness/scheduler.h"
#include "reports/summary.h"
#include "results/results_store.h"
#include "gauntlet_build_paths.h"

namespace fs = std::filesystem;

namespace gauntlet::app {

namespace {

std::string FormatDuration(double s) {
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  else std::snprintf(buf, sizeof buf, "%.0fs", s);
  return buf;
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

// What the run renders for the policy (a camera with a size of its own is
// listed with it).
nlohmann::json ObservationConfig(const PolicyInfo& info, const ObservationSpec& offer, bool shadows) {
  nlohmann::json config = {{"cameras", info.needs.cameras}, {"width", offer.image_width},
                           {"height", offer.image_height}, {"shadows", shadows}};
  for (const auto& [camera, size] : offer.camera_sizes) {
    config["camera_sizes"][camera] = {size.width, size.height};
  }
  return config;
}

// The chains a run plays, as the run config stores them (resume compares them).
nlohmann::json ChainConfig(const SuiteSpec& suite, const std::vector<PlannedEpisode>& plan) {
  nlohmann::json chains = nlohmann::json::array();
  std::set<int> listed;  // a perturbation set plans a chain once per variant
  for (const PlannedEpisode& e : plan) {
    if (e.chain < 0 || !listed.insert(e.chain).second) continue;
    const ChainSpec& chain = suite.chains[e.chain];
    nlohmann::json subtasks = nlohmann::json::array();
    for (int t : chain.subtasks) subtasks.push_back(suite.tasks[t].name);
    chains.push_back({{"name", chain.name}, {"init_state", chain.init_state}, {"subtasks", subtasks}});
  }
  return chains;
}

int RunSuite(const RunArgs& a, const SuiteSpec& suite, const std::string& run_name,
             const std::optional<PolicyBuild>& policy_override) {
  auto family_r = Families().FamilyOf(suite);
  if (!family_r.ok()) return Fail(family_r.error().message);
  const Family& family = *family_r.value();
  auto embodiment_r = ChooseEmbodiment(family, suite, a.embodiment);
  if (!embodiment_r.ok()) return Fail(embodiment_r.error().message);
  const std::string embodiment = embodiment_r.value();
  auto tasks = suite.SelectTasks(a.tasks);
  if (!tasks.ok()) return Fail(tasks.error().message);
  const int trials = a.trials > 0 ? a.trials : suite.protocol.trials;
  if (trials > suite.protocol.trials) {
    return Fail("--trials " + std::to_string(trials) + ": suite " + suite.name + " has only " +
                std::to_string(suite.protocol.trials) + " fixed initial states per task");
  }
  auto chunk_mode = ParseChunkMode(a.chunk_mode);
  if (!chunk_mode.ok()) return Fail("--chunk-mode: " + chunk_mode.error().message);
  if (!suite.chains.empty() && !a.tasks.empty()) {
    return Fail("--tasks: suite " + suite.name + " runs instruction chains; select them with --chains");
  }
  if (suite.chains.empty() && !a.chains.empty()) return Fail("--chains: suite " + suite.name + " has no chains");
  auto chains = SelectChains(suite, a.chains);
  if (!chains.ok()) return Fail(chains.error().message);
  auto plan = PlanEpisodes(suite, tasks.value(), trials, chains.value());
  if (!plan.ok()) return Fail(plan.error().message);
  const int planned_total = static_cast<int>(plan.value().size());
  std::optional<Shard> shard;
  if (!a.shard.empty()) {
    auto parsed = ParseShard(a.shard);
    if (!parsed.ok()) return Fail(parsed.error().message);
    shard = parsed.value();
    std::vector<long long> costs;
    for (const PlannedEpisode& e : plan.value()) {
      const long long steps = e.chain >= 0 ? static_cast<long long>(suite.protocol.max_steps) *
                                                 static_cast<long long>(suite.chains[e.chain].subtasks.size())
                                           : e.max_steps;
      costs.push_back(suite.protocol.settle_steps + std::max(steps, 1LL));
    }
    const std::vector<int> shard_of = AssignShards(costs, shard->count);
    std::vector<PlannedEpisode> mine;
    for (size_t i = 0; i < plan.value().size(); ++i) {
      if (shard_of[i] == shard->index) mine.push_back(plan.value()[i]);
    }
    plan = std::move(mine);
  }
  auto offer_r = family.RunOffer(embodiment, suite, a.image_size);
  if (!offer_r.ok()) return Fail(offer_r.error().message);
  const ObservationSpec family_offer = offer_r.value();
  // One policy is built here to check the request (bad file, unreachable
  // server, unknown setting, spec mismatch) before anything is stored.
  PolicyRequest request = a.policy;
  request.family = family.name();
  if (request.replay_db.empty()) request.replay_db = a.db;
  Result<PolicyBuild> built = policy_override ? Result<PolicyBuild>(*policy_override)
                                              : BuildPolicy(request, family.action_specs(embodiment), family_offer);
  if (!built.ok()) return Fail("--policy " + a.policy.spec + ": " + built.error().message);
  const PolicyInfo info = built.value().info;
  const PolicyFactory make_policy = built.value().factory;
  const ActionSpec family_spec = built.value().family_action;
  if (Status s = CheckPolicyFits(family_spec, family_offer, info); !s.ok()) return Fail(s.message());
  RunnerOptions chunking;
  chunking.chunk_mode = chunk_mode.value();
  chunking.replan_steps = a.replan_steps;
  if (Status s = CheckChunking(chunking, info.action_spec.chunk_length); !s.ok()) {
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
  std::vector<std::string> files;
  if (!fs::is_directory(suite.path)) files.push_back(suite.path);  // a folder of task files: its files below
  nlohmann::json task_names = nlohmann::json::array();  // the resolved task list
  for (int t : tasks.value()) {
    for (const std::string& f : {suite.tasks[t].file, suite.tasks[t].init_states}) {
      if (!f.empty()) files.push_back(f);  // families with rules in code have neither
    }
    task_names.push_back({{"index", t}, {"name", suite.tasks[t].name},
                          {"instruction", suite.tasks[t].instruction}});
  }
  nlohmann::json config = {
      {"suite", {{"name", suite.name}, {"version", suite.version}, {"files_hash", HashFiles(files)}}},
      {"family", family.name()},
      {"embodiment", embodiment},
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
      {"observation", ObservationConfig(info, family_offer, a.shadows)},
      {"action", {{"kind", ToString(family_spec.kind)}, {"family_spec", family_spec.Describe()}}},
      {"seed", a.seed},
      {"perturbations", PerturbationConfig(suite)},
      {"mujoco", MujocoVersion()}};
  if (!suite.chains.empty()) config["chains"] = ChainConfig(suite, plan.value());
  if (!suite.world.empty()) config["world"] = suite.world;
  // A policy that batches serves many episodes per call: keep enough in
  // flight to fill its batches. Others run one episode per worker unless asked.
  const int in_flight = a.in_flight > 0 ? a.in_flight : built.value().batches ? 8 * a.workers : a.workers;
  const int max_batch = built.value().max_batch;
  const int requested_batch = a.batch_size > 0 ? a.batch_size : in_flight;
  const int batch_size = max_batch > 0 ? std::min(requested_batch, max_batch) : requested_batch;
  nlohmann::json execution = {{"workers", a.workers},
                              {"in_flight", in_flight},
                              {"batch_size", batch_size},
                              {"max_wait_ms", a.max_wait_ms},
                              {"policy_batches", built.value().batches},
                              {"policy_concurrency", built.value().concurrency}, {"db", a.db}, {"video_dir", a.video_dir},
                              {"render_backend", a.render_backend}, {"episode_timeout_s", a.episode_timeout},
                              {"command", a.command_line}};
  if (shard) {
    // Not in the config: every shard of a run has the same config (db merge checks it).
    execution["shard"] = {{"index", shard->index}, {"count", shard->count}, {"planned_total", planned_total}};
    nlohmann::json slurm = nlohmann::json::object();
    for (const char* var : {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_JOB_NODELIST"}) {
      if (const char* value = std::getenv(var)) slurm[var] = value;
    }
    if (!slurm.empty()) execution["slurm"] = slurm;
  }

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
    const ChainSpec* chain = e.chain >= 0 ? &suite.chains[e.chain] : nullptr;
    WorkItem item;
    item.spec.key = {suite.name, chain ? chain->name : suite.tasks[t].name, e.variant, e.init_state, a.seed};
    if (done.count(item.spec.key)) continue;
    item.spec.task_index = t;
    item.spec.settle_steps = suite.protocol.settle_steps;
    item.spec.max_steps = e.max_steps;
    item.spec.perturbation = e.perturbation;
    item.spec.instruction = e.instruction;
    item.spec.embodiment = embodiment;
    if (chain) {
      for (size_t s = 0; s < chain->subtasks.size(); ++s) {
        const TaskSpec& sub = suite.tasks[chain->subtasks[s]];
        item.spec.chain.push_back({sub.name, sub.file, e.subtask_instructions.at(s), suite.protocol.max_steps});
      }
    }
    item.context.suite = suite.name;
    item.context.instruction = e.instruction;
    item.context.embodiment = embodiment;
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
            << backend << "; workers: " << a.workers << ", episodes in flight: " << in_flight
            << (built.value().batches ? ", batches of up to " + std::to_string(batch_size) : std::string()) << "\n";

  if (built.value().batches && built.value().max_batch == 1 && built.value().concurrency < a.workers && !a.quiet) {
    std::cerr << "gauntlet: the policy answers one query per call, " << built.value().concurrency
              << " call(s) at a time, for " << a.workers << " workers: --policy-opt concurrency="
              << a.workers << " keeps them all busy\n";
  }

  // llvmpipe starts one render thread per core in every context; with several
  // workers one thread each scales better (TRAPS.md).
  if (render && a.workers > 1) setenv("LP_NUM_THREADS", "1", 0);

  ScheduleOptions options;
  options.workers = a.workers;
  options.in_flight = in_flight;
  options.batch.batch_size = batch_size;
  options.batch.max_wait_ms = a.max_wait_ms;
  options.render = render;
  options.render_backend = a.render_backend;
  options.world_per_task = family.world_per_task();
  options.runner.chunk_mode = chunk_mode.value();
  options.runner.replan_steps = a.replan_steps;
  options.runner.ensemble_decay = a.ensemble_decay;
  options.runner.episode_timeout_s = a.episode_timeout;
  options.runner.video_camera = family.video_camera();
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
  auto make_env = [&](const TaskSpec& task, const std::optional<Perturbation>& world,
                      const std::string& episode_embodiment) {
    WorldRequest request;
    request.suite = &suite;
    request.task = &task;
    request.embodiment = episode_embodiment;
    request.action = family_spec.kind;
    request.image_width = family_offer.image_width;
    request.image_height = family_offer.image_height;
    request.camera_sizes = family_offer.camera_sizes;
    request.shadows = a.shadows;
    request.world = world;
    request.world_states = world_states;
    return family.MakeEnv(request);
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

int Run(const RunArgs& given, const std::optional<PolicyBuild>& policy_override) {
  if (given.suite.empty() == given.task_file.empty()) {
    return Fail("run: give a suite (file or name) or --task-file PATH (a .bddl file or a folder of them), not both");
  }
  // A shard writes a file of its own beside --db, named after the run and the
  // shard; `gauntlet db merge` brings the shards back together.
  RunArgs a = given;
  if (!a.shard.empty()) {
    auto shard = ParseShard(a.shard);
    if (!shard.ok()) return Fail(shard.error().message);
    a.db = ShardDbPath(given.db, ShardLabel(a.run_name, a.task_file.empty() ? a.suite : a.task_file), shard.value());
    std::cerr << "gauntlet: shard " << a.shard << " writes " << a.db << "\n";
  }
  if (!a.task_file.empty()) {
    TaskFileRequest request;
    request.path = a.task_file;
    request.max_steps = a.max_steps;
    request.trials = a.trials;
    request.init_states_dir = (fs::absolute(a.db).parent_path() / "init_states").string();
    auto suite = TaskFileSuite(request);
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


Command AddRunCommand(CLI::App& app, RuntimeStarter start_runtime, std::vector<std::string> argv) {
  auto args = std::make_shared<RunArgs>();
  RunArgs& run = *args;
  auto* sub = app.add_subcommand("run", "Roll out a suite with a policy and store every episode");
  sub->add_option("suite", run.suite, "Suite or suite set: file or name (suites/<name>.yaml; libero = all four LIBERO suites)");
  sub->add_option("--task-file", run.task_file,
                  "Run a task definition file, or every one in a folder (one ad-hoc suite), instead of a suite "
                  "(LIBERO's BDDL dialect: objects of known categories)");
  sub->add_option("--max-steps", run.max_steps, "With --task-file: policy steps per episode (default 300)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--policy", run.policy.spec, "Policy: " + PolicyHelp())->capture_default_str();
  sub->add_option("--policy-opt", run.policy.options, "A policy setting, key=value (repeatable; see README)");
  sub->add_option("--adapt", run.policy.adapters,
                  "Adapters between the policy and the task, comma-separated: gripper, rotation, flip180, "
                  "resize_pad, denorm=STATS.json")->delimiter(',');
  sub->add_option("--replay-run", run.policy.replay_run, "With --policy replay: the run whose episodes' actions are replayed");
  sub->add_option("--replay-db", run.policy.replay_db, "With --policy replay: the results file holding that run (default: --db)");
  sub->add_option("--tasks", run.tasks, "Task indices or names, comma-separated (default: all)");
  sub->add_option("--chains", run.chains, "Chain suites: chain indices or ranges, e.g. 0-99 or 3,7 (default: all)");
  sub->add_option("--embodiment", run.embodiment, "Robot to build the worlds with (default: the family's first)");
  sub->add_option("--trials", run.trials, "Episodes per task (default: the suite's)");
  sub->add_option("--db", run.db, "SQLite results file")->capture_default_str();
  sub->add_option("--run-name", run.run_name, "Run name (default: <suite>-<policy>); the same name and configuration resumes");
  sub->add_option("--video", run.video_dir, "Write an MP4 per episode (the family's third-person camera) into this folder");
  sub->add_option("--workers", run.workers, "Worker threads, each with its own world and GL context")->capture_default_str()->check(CLI::Range(1, 256));
  sub->add_option("--in-flight", run.in_flight,
                  "Episodes in flight at once across the workers; a worker steps its other episodes while one "
                  "waits for the policy (default: 8 per worker for a policy that batches, else one per worker)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--batch-size", run.batch_size,
                  "Most queries answered by one policy call, for policies that batch (default: --in-flight)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--max-wait-ms", run.max_wait_ms,
                  "How long the oldest query waits for a batch to fill (never once every episode in flight waits)")
      ->capture_default_str()->check(CLI::Range(0.0, 60000.0));
  sub->add_option("--chunk-mode", run.chunk_mode, "replan_steps, full or ensemble")->capture_default_str();
  sub->add_option("--replan-steps", run.replan_steps, "Actions executed per policy query (replan_steps mode)")->capture_default_str()->check(CLI::Range(1, 1000));
  sub->add_option("--ensemble-decay", run.ensemble_decay, "Ensemble mode: weight exp(-decay * i), i = 0 for the oldest chunk (ACT)")->capture_default_str()->check(CLI::Range(0.0, 100.0));
  sub->add_option("--image-size", run.image_size, "Square camera size in pixels (default: the suite's)")->check(CLI::Range(16, 1024));
  sub->add_option("--render-backend", run.render_backend, "auto, egl or osmesa")->capture_default_str();
  sub->add_flag("--shadows", run.shadows, "Render shadow maps (about halves software rendering speed)");
  sub->add_option("--seed", run.seed, "Trial seed, part of every episode key")->capture_default_str();
  sub->add_option("--episode-timeout", run.episode_timeout, "Watchdog per episode, seconds")->capture_default_str();
  sub->add_flag("--quiet", run.quiet, "No progress lines");
  sub->add_option("--shard", run.shard,
                  "I/N: run only the I-th (0-based) of N cost-balanced slices of the work list, into its own "
                  "file beside --db (<db>.<run>.shard-I-of-N.db); merge with `gauntlet db merge`");
  run.command_line = std::move(argv);
  return {sub, [args, start_runtime] {
            const std::shared_ptr<void> runtime = start_runtime ? start_runtime(args->policy) : nullptr;
            return Run(*args);
          }};
}

}  // namespace gauntlet::app
