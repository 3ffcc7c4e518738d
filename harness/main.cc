// gauntlet command-line entry point.
//
// This file is the composition root: the one place that names concrete task
// families and policies, so that the layers themselves never include upward.
#include <algorithm>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "envs/tabletop/tabletop_env.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/cli/episode_plan.h"
#include "harness/cli/run_command.h"
#include "harness/gl_context.h"
#include "harness/image_io.h"
#include "harness/run_metadata.h"
#include "envs/perturbations/language_pool.h"
#include "envs/perturbations/perturbation_sampler.h"
#include "policies/merged/merge_command.h"
#include "policies/oracle_policy.h"
#ifdef GAUNTLET_EMBEDDED_PYTHON
#include "python/embedded_interpreter.h"
#endif
#include "reports/html_dashboard.h"
#include "reports/paired_comparison.h"
#include "reports/report_command.h"
#include "reports/summary.h"
#include "gauntlet_build_paths.h"

namespace fs = std::filesystem;
using namespace gauntlet;
using cli::ResolveSuitePath;

namespace {

int Fail(const std::string& message) {
  std::cerr << "gauntlet: " << message << "\n";
  return 2;
}

// "<suite>/<task index or name>" -> the suite and the task's index.
Result<std::pair<SuiteSpec, int>> ResolveTask(const std::string& target, const std::string& command) {
  const auto slash = target.find('/');
  if (slash == std::string::npos) return Error{command + ": expected <suite>/<task>, e.g. libero_spatial/3"};
  auto suite = LoadSuite(ResolveSuitePath(target.substr(0, slash)));
  if (!suite.ok()) return suite.error();
  auto tasks = suite.value().SelectTasks(target.substr(slash + 1));
  if (!tasks.ok()) return tasks.error();
  if (tasks.value().size() != 1) return Error{command + ": name exactly one task"};
  return std::make_pair(std::move(suite).value(), tasks.value()[0]);
}

int Show(const std::string& target, int init, const std::string& out, int size) {
  auto resolved = ResolveTask(target, "show");
  if (!resolved.ok()) return Fail(resolved.error().message);
  const SuiteSpec& suite = resolved.value().first;
  const TaskSpec& task = suite.tasks[resolved.value().second];
  auto gl = GlContext::Create("auto", 64, 64);
  if (!gl.ok()) return Fail(gl.error().message);
  auto env = envs::tabletop::MakeTabletopEnv(suite, task, size, size, false);
  if (!env.ok()) return Fail(env.error().message);
  EpisodeSpec spec;
  spec.key = {suite.name, task.name, "default", init, 0};
  if (Status s = env.value()->Reset(spec); !s.ok()) return Fail(s.message());
  Observation obs = env.value()->Observe({{envs::tabletop::kAgentviewCamera, "wrist"}, false});
  Image tiled = TileHorizontally({obs.images.at(envs::tabletop::kAgentviewCamera), obs.images.at("wrist")});
  if (Status s = WritePng(out, tiled); !s.ok()) return Fail(s.message());
  std::cout << "wrote " << out << " (" << task.name << ", initial state " << init
            << "; left: agentview, right: wrist)\n"
            << "instruction: " << task.instruction << "\n";
  return 0;
}

// A contact sheet of one perturbation dimension: a row per level, `variants`
// columns, each the third-person view after the settle steps (robot_init
// moves the arm, so settling matters), labelled with the variant id; the
// unperturbed view first. Language variants are printed, not drawn.
int ShowPerturbed(const std::string& target, int init, const std::string& dimension, int variants,
                  const std::string& out, int size) {
  const auto& dims = PerturbationDimensions();
  if (std::find(dims.begin(), dims.end(), dimension) == dims.end()) {
    return Fail("show --perturb: unknown dimension '" + dimension + "'");
  }
  auto resolved = ResolveTask(target, "show");
  if (!resolved.ok()) return Fail(resolved.error().message);
  const SuiteSpec& suite = resolved.value().first;
  const TaskSpec& task = suite.tasks[resolved.value().second];
  if (dimension == "language") {
    auto pool = envs::LanguagePool::Load(fs::path(GAUNTLET_SOURCE_DIR) / "suites" / "language" / (suite.name + ".yaml"));
    if (!pool.ok()) return Fail(pool.error().message);
    std::cout << "original: " << task.instruction << "\n";
    for (const auto& v : *pool.value().Of(task.name)) std::cout << v.kind << ": " << v.text << "\n";
    return 0;
  }
  auto gl = GlContext::Create("auto", 64, 64);
  if (!gl.ok()) return Fail(gl.error().message);
  auto env = envs::tabletop::MakeTabletopEnv(suite, task, size, size, false);
  if (!env.ok()) return Fail(env.error().message);
  auto view = [&](const std::optional<Perturbation>& p, const std::string& label) -> Result<Image> {
    if (p && ChangesWorld(*p)) {  // a world of its own (layout)
      auto own = envs::tabletop::MakeTabletopEnv(suite, task, size, size, false, p, init + 1);
      if (!own.ok()) return Error{label + ": " + own.error().message};
      env.value() = std::move(own).value();
    }
    EpisodeSpec spec;
    spec.key = {suite.name, task.name, p ? VariantId(p->dimension, p->level, 0) : "default", init, 0};
    spec.perturbation = p;
    if (Status s = env.value()->Reset(spec); !s.ok()) return Error{s.message()};
    const Action settle = HoldStillOpen(env.value()->action_spec());
    for (int i = 0; i < suite.protocol.settle_steps; ++i) env.value()->Step(settle);
    Observation obs = env.value()->Observe({{envs::tabletop::kAgentviewCamera}, false});
    return Label(obs.images.at(envs::tabletop::kAgentviewCamera), label);
  };
  std::vector<Image> rows;
  auto unperturbed = view(std::nullopt, "default");
  if (!unperturbed.ok()) return Fail(unperturbed.error().message);
  for (int level = 1; level <= MaxLevel(dimension); ++level) {
    std::vector<Image> row;
    for (int k = 0; k < variants; ++k) {
      const Perturbation p = envs::SamplePerturbation(dimension, level, k);
      auto image = view(p, VariantId(dimension, level, k));
      if (!image.ok()) return Fail(image.error().message);
      row.push_back(std::move(image).value());
      std::cout << VariantId(dimension, level, k) << "  " << p.params.dump() << "\n";
    }
    rows.push_back(TileHorizontally(row));
  }
  // The unperturbed view heads the sheet, padded to the rows' width.
  Image head = unperturbed.value();
  std::vector<Image> head_row{head};
  for (int k = 1; k < variants; ++k) {
    Image blank = head;
    std::fill(blank.rgb.begin(), blank.rgb.end(), 255);
    head_row.push_back(blank);
  }
  rows.insert(rows.begin(), TileHorizontally(head_row));
  if (Status s = WritePng(out, TileVertically(rows)); !s.ok()) return Fail(s.message());
  std::cout << "wrote " << out << " (" << task.name << ", initial state " << init << "; " << dimension
            << ": a row per level, " << variants << " variants each, the unperturbed view on top)\n";
  return 0;
}

// The scripted expert on one episode, step by step: its phase, the hand,
// the free objects and the fixtures' joints; a PNG of both cameras at one
// step. The tool for finding out why the expert fails an episode.
int Trace(const std::string& target, int init, int every, int png_at, const std::string& out) {
  auto resolved = ResolveTask(target, "trace");
  if (!resolved.ok()) return Fail(resolved.error().message);
  const SuiteSpec& suite = resolved.value().first;
  const TaskSpec& task = suite.tasks[resolved.value().second];
  std::unique_ptr<GlContext> gl;
  if (png_at >= 0) {
    auto context = GlContext::Create("auto", 64, 64);
    if (!context.ok()) return Fail(context.error().message);
    gl = std::move(context).value();
  }
  auto env = envs::tabletop::MakeTabletopEnv(suite, task, 256, 256, false);
  if (!env.ok()) return Fail(env.error().message);
  EpisodeSpec spec;
  spec.key = {suite.name, task.name, "default", init, 0};
  if (Status st = env.value()->Reset(spec); !st.ok()) return Fail(st.message());
  Action settle(7, 0.0);
  settle[6] = -1;
  for (int i = 0; i < suite.protocol.settle_steps; ++i) env.value()->Step(settle);
  policies::OraclePolicy oracle;
  oracle.reset(EpisodeContext{});
  std::string last_phase;
  for (int t = 0; t < suite.protocol.max_steps; ++t) {
    ObservationRequest request;
    request.privileged = true;
    if (t == png_at) request.cameras = {envs::tabletop::kAgentviewCamera, "wrist"};
    Observation obs = env.value()->Observe(request);
    if (t == png_at) {
      Image tiled = TileHorizontally({obs.images.at(envs::tabletop::kAgentviewCamera), obs.images.at("wrist")});
      if (Status st = WritePng(out, tiled); !st.ok()) return Fail(st.message());
    }
    ActionChunk chunk;
    try {
      chunk = oracle.act(obs);
    } catch (const PolicyError& e) {
      std::cout << "step " << t << ": policy error: " << e.what() << "\n";
      return 1;
    }
    const PrivilegedState& ps = *obs.privileged;
    if (oracle.phase_name() != last_phase || t % every == 0) {
      last_phase = oracle.phase_name();
      std::printf("%4d %-16s hand (%.3f %.3f %.3f) grip %.3f", t, oracle.phase_name(), ps.eef.pos[0], ps.eef.pos[1],
                  ps.eef.pos[2], ps.gripper_opening);
      for (const auto& [name, body] : ps.objects) {
        if (!body.fixture) std::printf("  %s (%.3f %.3f %.3f)", name.c_str(), body.pose.pos[0], body.pose.pos[1], body.pose.pos[2]);
      }
      for (const auto& [name, joint] : ps.articulations) std::printf("  %s %.3f", name.c_str(), joint.q);
      std::printf("\n");
    }
    StepResult r = env.value()->Step(chunk.actions.at(0));
    if (r.success || r.diverged) {
      std::cout << "step " << t << ": " << (r.success ? "success" : "error: " + r.info) << "\n";
      return r.success ? 0 : 1;
    }
  }
  std::cout << "failure: the goal did not hold within " << suite.protocol.max_steps << " steps\n";
  return 1;
}

// A publication table from the database (reports/report_command.h); or, with
// `--html DIR`, the dashboard page.
int Report(const reports::ReportCommand& command, const std::string& out, const std::string& html_dir) {
  if (!html_dir.empty()) {
    reports::DashboardOptions options;
    options.db_path = command.db;
    options.out_dir = html_dir;
    options.assets_dir = (fs::path(GAUNTLET_SOURCE_DIR) / "reports" / "dashboard").string();
    auto page = reports::WriteHtmlDashboard(options);
    if (!page.ok()) return Fail(page.error().message);
    std::cout << "wrote " << page.value() << " (open it from disk; it needs no network)\n";
    return 0;
  }
  auto text = reports::RenderReportTable(command);
  if (!text.ok()) return Fail("report: " + text.error().message);
  if (out.empty()) {
    std::cout << text.value();
    return 0;
  }
  std::ofstream file(out);
  file << text.value();
  if (!file.good()) return Fail("report: cannot write " + out);
  return 0;
}

int InitStates(const std::string& suite_arg, const std::string& selection, bool check) {
  auto suite_r = LoadSuite(ResolveSuitePath(suite_arg));
  if (!suite_r.ok()) return Fail(suite_r.error().message);
  const SuiteSpec& suite = suite_r.value();
  auto tasks = suite.SelectTasks(selection);
  if (!tasks.ok()) return Fail(tasks.error().message);
  int changed = 0;
  for (int t : tasks.value()) {
    TaskSpec task = suite.tasks[t];
    const std::string stored = task.init_states;
    if (check) task.init_states = (fs::temp_directory_path() / ("gauntlet-check-" + std::to_string(getpid()) + ".json")).string();
    if (Status s = envs::tabletop::WriteInitStates(suite, task); !s.ok()) return Fail(s.message());
    if (check) {
      const bool same = HashFiles({stored}) == HashFiles({task.init_states});
      fs::remove(task.init_states);
      std::cout << (same ? "same     " : "DIFFERENT ") << task.name << "\n";
      changed += !same;
    } else {
      std::cout << "wrote " << stored << "\n";
    }
  }
  return changed == 0 ? 0 : 1;
}

int List(const std::string& suite_arg) {
  auto describe = [](const SuiteSet& set) {
    int tasks = 0, episodes = 0, perturbed = 0;
    for (const SuiteSpec& s : set.suites) {
      tasks += static_cast<int>(s.tasks.size());
      std::vector<int> all(s.tasks.size());
      for (size_t t = 0; t < all.size(); ++t) all[t] = static_cast<int>(t);
      auto plan = cli::PlanEpisodes(s, all, s.protocol.trials);
      if (!plan.ok()) return "INVALID: " + plan.error().message;
      episodes += static_cast<int>(plan.value().size());
      for (const auto& e : plan.value()) perturbed += e.perturbation.has_value();
    }
    std::string text = std::to_string(tasks) + " tasks, " + std::to_string(episodes) + " episodes";
    if (perturbed > 0) text += " (" + std::to_string(perturbed) + " perturbed variants)";
    if (set.suites.size() > 1) {
      text += " (set:";
      for (const SuiteSpec& s : set.suites) text += " " + s.name;
      text += ")";
    }
    return text;
  };
  if (suite_arg.empty()) {
    for (const fs::path& base : {fs::path("suites"), fs::path(GAUNTLET_SOURCE_DIR) / "suites"}) {
      if (!fs::is_directory(base)) continue;
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(base)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        auto set = LoadSuiteSet(file.string());
        std::cout << file.stem().string() << "  "
                  << (set.ok() ? describe(set.value()) : "INVALID: " + set.error().message) << "\n";
      }
      return 0;
    }
    return Fail("no suites/ folder found");
  }
  auto set = LoadSuiteSet(ResolveSuitePath(suite_arg));
  if (!set.ok()) return Fail(set.error().message);
  for (const SuiteSpec& suite : set.value().suites) {
    for (const auto& t : suite.tasks) {
      std::cout << (set.value().suites.size() > 1 ? suite.name + "/" : "") << t.index << "  " << t.name << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gauntlet: evaluation harness for vision-language-action robot policies"};
  app.require_subcommand(1);

  cli::RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Roll out a suite with a policy and store every episode");
  run_cmd->add_option("suite", run.suite, "Suite or suite set: file or name (suites/<name>.yaml; libero = all four LIBERO suites)");
  run_cmd->add_option("--task-file", run.task_file,
                      "Run one task file in LIBERO's BDDL dialect instead of a suite (objects of known categories)");
  run_cmd->add_option("--max-steps", run.max_steps, "With --task-file: policy steps per episode (default 300)")
      ->check(CLI::Range(1, 100000));
  run_cmd->add_option("--policy", run.policy.spec, "Policy: " + cli::PolicyHelp())->capture_default_str();
  run_cmd->add_option("--policy-opt", run.policy.options, "A policy setting, key=value (repeatable; see README)");
  run_cmd->add_option("--adapt", run.policy.adapters,
                      "Adapters between the policy and the task, comma-separated: gripper, rotation, flip180, "
                      "resize_pad, denorm=STATS.json")->delimiter(',');
  run_cmd->add_option("--replay-run", run.policy.replay_run, "With --policy replay: the run whose episodes' actions are replayed");
  run_cmd->add_option("--replay-db", run.policy.replay_db, "With --policy replay: the results file holding that run (default: --db)");
  run_cmd->add_option("--tasks", run.tasks, "Task indices or names, comma-separated (default: all)");
  run_cmd->add_option("--trials", run.trials, "Episodes per task (default: the suite's)");
  run_cmd->add_option("--db", run.db, "SQLite results file")->capture_default_str();
  run_cmd->add_option("--run-name", run.run_name, "Run name (default: <suite>-<policy>); the same name and configuration resumes");
  run_cmd->add_option("--video", run.video_dir, "Write an MP4 per episode (agentview) into this folder");
  run_cmd->add_option("--workers", run.workers, "Worker threads, each with its own world and GL context")->capture_default_str()->check(CLI::Range(1, 256));
  run_cmd->add_option("--chunk-mode", run.chunk_mode, "replan_steps, full or ensemble")->capture_default_str();
  run_cmd->add_option("--replan-steps", run.replan_steps, "Actions executed per policy query (replan_steps mode)")->capture_default_str()->check(CLI::Range(1, 1000));
  run_cmd->add_option("--ensemble-decay", run.ensemble_decay, "Ensemble mode: weight exp(-decay * i), i = 0 for the oldest chunk (ACT)")->capture_default_str()->check(CLI::Range(0.0, 100.0));
  run_cmd->add_option("--image-size", run.image_size, "Square camera size in pixels (default: the suite's)")->check(CLI::Range(16, 1024));
  run_cmd->add_option("--render-backend", run.render_backend, "auto, egl or osmesa")->capture_default_str();
  run_cmd->add_flag("--shadows", run.shadows, "Render shadow maps (about halves software rendering speed)");
  run_cmd->add_option("--seed", run.seed, "Trial seed, part of every episode key")->capture_default_str();
  run_cmd->add_option("--episode-timeout", run.episode_timeout, "Watchdog per episode, seconds")->capture_default_str();
  run_cmd->add_flag("--quiet", run.quiet, "No progress lines");

  std::string db = "gauntlet.db", run_name;
  auto* summary_cmd = app.add_subcommand("summary", "Per-task and per-suite success from a results file");
  summary_cmd->add_option("--db", db, "SQLite results file")->capture_default_str();
  summary_cmd->add_option("--run", run_name, "Only this run (default: all runs)");

  reports::CompareOptions compare;
  std::string compare_db = "gauntlet.db";
  auto* compare_cmd = app.add_subcommand(
      "compare", "Paired comparison of two runs on identical episodes; exit 1 on a significant regression");
  compare_cmd->add_option("--baseline", compare.baseline, "Run name of the reference (e.g. last night)")->required();
  compare_cmd->add_option("--candidate", compare.candidate, "Run name to judge")->required();
  compare_cmd->add_option("--db", compare_db, "SQLite results file holding both runs")->capture_default_str();
  compare_cmd->add_option("--alpha", compare.alpha, "Significance level (per-task tests are BH-corrected)")
      ->capture_default_str()->check(CLI::Range(1e-6, 0.5));
  compare_cmd->add_option("--margin", compare.margin, "Tolerated drop in success rate, as a fraction (0.02 = 2 points)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  compare_cmd->add_option("--bootstrap", compare.bootstrap_iterations, "Cluster-bootstrap resamples")
      ->capture_default_str()->check(CLI::Range(100, 1000000));

  reports::ReportCommand report;
  std::string report_out, report_html;
  auto* report_cmd = app.add_subcommand(
      "report", "Write a publication table computed from a results file, or (--html) a dashboard page");
  report_cmd->add_option("--db", report.db, "SQLite results file")->capture_default_str();
  auto* report_table_opt = report_cmd->add_option(
      "--table", report.table,
      "Table: suites (policies x suites, merged models grouped apart), perturbations (policies x perturbation "
      "dimensions), router (routing accuracy and confusion per run), chains (CALVIN: chains with their first "
      "1..5 subtasks done, average length), embodiments (policies x embodiment/task)")->capture_default_str();
  auto* report_format_opt = report_cmd->add_option("--format", report.format, "md, latex, csv, json or html")->capture_default_str();
  auto* report_out_opt = report_cmd->add_option("--out", report_out, "File to write (default: standard output)");
  auto* report_ci_opt = report_cmd->add_option(
      "--ci", report.ci,
      "Cell intervals: wilson (95% Wilson score) or cluster-bootstrap (95% percentile bootstrap resampling each "
      "cell's (task, initial state) clusters)")->capture_default_str();
  auto* report_samples_opt = report_cmd->add_option("--bootstrap-samples", report.bootstrap_samples,
                                                    "Resamples per cell for --ci cluster-bootstrap")
      ->capture_default_str()->check(CLI::Range(100, 1000000));
  auto* report_seed_opt = report_cmd->add_option("--seed", report.seed, "Generator seed for --ci cluster-bootstrap")
      ->capture_default_str();
  auto* report_row_opt = report_cmd->add_option(
      "--row", report.rows,
      "With --table suites: one row combining runs of different policies, each on its own suite, e.g. "
      "\"Single-task experts=spatial-ft,object-ft,goal-ft,long-ft\" (repeatable)")->type_name("NAME=RUN,...");
  report_cmd->add_option("--html", report_html,
                         "Write OUT_DIR/index.html instead: runs, both tables, charts and an episode browser in one "
                         "self-contained page that opens from disk (needs `bash scripts/setup.sh` once)")
      ->type_name("OUT_DIR")
      ->excludes(report_table_opt)
      ->excludes(report_format_opt)
      ->excludes(report_out_opt)
      ->excludes(report_ci_opt)
      ->excludes(report_samples_opt)
      ->excludes(report_seed_opt)
      ->excludes(report_row_opt);

  std::string trace_target, trace_out = "trace.png";
  int trace_init = 0, trace_every = 10, trace_png_at = -1;
  auto* trace_cmd = app.add_subcommand("trace", "Run the scripted expert on one episode and print each step");
  trace_cmd->add_option("task", trace_target, "<suite>/<task index or name>, e.g. libero_10/9")->required();
  trace_cmd->add_option("--init", trace_init, "Initial state index")->capture_default_str();
  trace_cmd->add_option("--every", trace_every, "Print every N steps (and at each phase change)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  trace_cmd->add_option("--png-at", trace_png_at, "Write both camera views at this step");
  trace_cmd->add_option("--out", trace_out, "PNG file for --png-at")->capture_default_str();

  std::string show_target, show_out = "show.png", show_perturb;
  int show_init = 0, show_size = 256, show_variants = 3;
  auto* show_cmd = app.add_subcommand("show", "Write both camera views of an initial state to a PNG");
  show_cmd->add_option("task", show_target, "<suite>/<task index or name>, e.g. libero_spatial/3")->required();
  show_cmd->add_option("--init", show_init, "Initial state index")->capture_default_str();
  show_cmd->add_option("--out", show_out, "PNG file")->capture_default_str();
  show_cmd->add_option("--size", show_size, "Pixels per camera")->capture_default_str()->check(CLI::Range(16, 1024));
  show_cmd->add_option("--perturb", show_perturb,
                       "A contact sheet of one perturbation dimension at every level (camera, robot_init, language, "
                       "light, background, noise, layout)");
  show_cmd->add_option("--variants", show_variants, "With --perturb: variants per level")
      ->capture_default_str()->check(CLI::Range(1, 10));

  policies::merged::MergeCommand merge;
  std::vector<std::string> merge_params;
  auto* merge_cmd = app.add_subcommand(
      "merge", "Merge fine-tuned experts onto their base model, or export a model from a merged artifact");
  auto* merge_method_opt =
      merge_cmd->add_option("--method", merge.method, "Merge method: " + policies::merged::MergeMethodNames());
  auto* merge_base_opt = merge_cmd->add_option("--base", merge.base, "Base model: TorchScript module or tensor file");
  auto* merge_experts_opt =
      merge_cmd->add_option("--experts", merge.experts, "Expert models, comma-separated")->delimiter(',');
  merge_cmd->add_option("--tasks", merge.tasks, "One task label per expert, comma-separated (default: file stems)")
      ->delimiter(',');
  merge_cmd->add_option("--param", merge_params, "A hyperparameter, key=value (repeatable)");
  merge_cmd->add_option("--include", merge.include, "Parameter name patterns to merge (glob or re:REGEX; default all)")
      ->delimiter(',');
  merge_cmd->add_option("--exclude", merge.exclude, "Parameter name patterns to keep at the base")->delimiter(',');
  merge_cmd->add_option("--heads", merge.heads,
                        "Parameter name patterns kept per task, unmerged (each task's model runs its own expert's)")
      ->delimiter(',');
  merge_cmd->add_option("--group-depth", merge.group_depth, "Name components per diagnostics group")
      ->capture_default_str()->check(CLI::Range(1, 100));
  merge_cmd->add_option("--out", merge.out,
                        "NAME.gmerge: the merged artifact; else a model file (with OUT.json unless --export)");
  merge_cmd->add_option("--export", merge.export_which,
                        "Write the model of 'merged' or of a task label as a plain TorchScript module (or tensor file)");
  auto* merge_from_opt = merge_cmd->add_option(
      "--from", merge.from, "Export from this .gmerge instead of merging (without --export: print its record)");
  merge_cmd->add_flag("--stream", merge.stream,
                      "Bounded memory: load one input at a time into raw shards under --scratch and map them");
  merge_cmd->add_option("--scratch", merge.scratch, "Folder for --stream's shards (default OUT.scratch; removed after)");
  merge_from_opt->excludes(merge_method_opt)->excludes(merge_base_opt)->excludes(merge_experts_opt);

  std::string list_suite;
  auto* list_cmd = app.add_subcommand("list", "List suites, or the tasks of one suite");
  list_cmd->add_option("suite", list_suite, "Suite file or name");

  std::string init_suite, init_tasks;
  bool init_check = false;
  auto* init_cmd = app.add_subcommand("init-states", "Generate a suite's fixed initial states (deterministic)");
  init_cmd->add_option("suite", init_suite, "Suite file or name")->required();
  init_cmd->add_option("--tasks", init_tasks, "Task indices or names (default: all)");
  init_cmd->add_flag("--check", init_check, "Regenerate into a temporary file and compare with the stored states");

  CLI11_PARSE(app, argc, argv);
  if (*run_cmd) {
#ifdef GAUNTLET_EMBEDDED_PYTHON
    // Started only when asked for: most runs never pay for an interpreter.
    std::unique_ptr<python::EmbeddedInterpreter> interpreter;
    if (run.policy.spec.rfind("python:", 0) == 0) interpreter = std::make_unique<python::EmbeddedInterpreter>();
#endif
    return cli::Run(run);
  }
  if (*summary_cmd) {
    auto text = reports::FormatSummary(db, reports::SummaryOptions{run_name});
    if (!text.ok()) return Fail(text.error().message);
    std::cout << text.value();
    return 0;
  }
  if (*compare_cmd) {
    auto result = reports::CompareRuns(compare_db, compare);
    if (!result.ok()) return Fail(result.error().message);
    std::cout << reports::FormatComparison(result.value());
    return result.value().regression ? 1 : 0;
  }
  if (*show_cmd) {
    if (!show_perturb.empty()) return ShowPerturbed(show_target, show_init, show_perturb, show_variants, show_out, show_size);
    return Show(show_target, show_init, show_out, show_size);
  }
  if (*trace_cmd) return Trace(trace_target, trace_init, trace_every, trace_png_at, trace_out);
  if (*report_cmd) return Report(report, report_out, report_html);
  if (*list_cmd) return List(list_suite);
  if (*merge_cmd) {
    for (const std::string& item : merge_params) {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0) return Fail("merge --param '" + item + "': expected key=value");
      if (!merge.params.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
        return Fail("merge --param: '" + item.substr(0, eq) + "' is given twice");
      }
    }
    if (merge.from.empty() && (merge.method.empty() || merge.base.empty() || merge.experts.empty() || merge.out.empty())) {
      return Fail("merge: --method, --base, --experts and --out are required (or --from ARTIFACT.gmerge)");
    }
    merge.argv.assign(argv, argv + argc);
    auto text = policies::merged::RunMerge(merge);
    if (!text.ok()) return Fail("merge: " + text.error().message);
    std::cout << text.value();
    return 0;
  }
  if (*init_cmd) return InitStates(init_suite, init_tasks, init_check);
  return 0;
}
