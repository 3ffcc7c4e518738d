// `gauntlet slurm submit|status`: a run split into shards as a Slurm job
// array (one array task per shard, each `gauntlet run ... --shard
// $SLURM_ARRAY_TASK_ID/N`) plus a merge job that waits for the array with
// `afterany` and runs `gauntlet db merge`. Slurm is the cluster engine;
// gauntlet only writes the batch scripts, submits them with sbatch and reads
// the shard files back.
//
// Files, all beside --db (DB = its stem, LABEL = --run-name or the suite's
// stem, as `run --shard` names them):
//   DB.LABEL.shard-I-of-N.db         each shard's results (resumable)
//   DB.LABEL.slurm/array.sbatch      the array job's script
//   DB.LABEL.slurm/merge.sbatch      the merge job's script
//   DB.LABEL.slurm/shard-I.log, merge.log   their output
//   DB.LABEL.slurm/jobs.json         what was submitted (job ids, shards, array list)
// Submitting again submits only the shards whose files are missing or not
// finished (and a new merge job).
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/command.h"
#include "app/shard_plan.h"
#include "results/shard_merge.h"

namespace fs = std::filesystem;

namespace gauntlet::app {

namespace {

struct SlurmArgs {
  std::string suite, db = "gauntlet.db", run_name;
  int shards = 0;
  std::string partition, time, gres;
  int cpus_per_task = 0;
  bool dry_run = false;
  std::vector<std::string> run_args;  // everything else, for `gauntlet run`
};

// `text` as one bash word.
std::string ShellWord(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                              "_-./=:,+@%") == std::string::npos) {
    return text;
  }
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string SelfPath() {
  std::array<char, 4096> buffer{};
  const ssize_t n = readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  return n > 0 ? std::string(buffer.data(), static_cast<size_t>(n)) : "gauntlet";
}

// Runs `command`, returning its standard output; an error with its output
// and exit status when it fails.
Result<std::string> Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return Error{"cannot run: " + command};
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0) return Error{command + " failed (exit " + std::to_string(WEXITSTATUS(status)) + "): " + out};
  return out;
}

std::string SlurmDir(const SlurmArgs& a) {
  const fs::path db(a.db);
  return (db.parent_path() / (db.stem().string() + "." + ShardLabel(a.run_name, a.suite) + ".slurm")).string();
}

std::string JoinList(const std::vector<int>& items) {
  std::string out;
  for (int i : items) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

std::string Header(const SlurmArgs& a, const std::string& name, const std::string& log) {
  std::ostringstream s;
  s << "#!/bin/bash\n#SBATCH --job-name=" << name << "\n#SBATCH --output=" << log << "\n";
  if (!a.partition.empty()) s << "#SBATCH --partition=" << a.partition << "\n";
  if (!a.time.empty()) s << "#SBATCH --time=" << a.time << "\n";
  return s.str();
}

int Submit(const SlurmArgs& a) {
  if (a.shards < 1) return Fail("slurm submit: --shards N (N >= 1) is required");
  if (a.suite.empty()) return Fail("slurm submit: give the suite to run");
  const std::string label = ShardLabel(a.run_name, a.suite);
  const std::string dir = fs::absolute(SlurmDir(a)).string();
  const std::string db = fs::absolute(a.db).string();
  // Shards already finished are not submitted again.
  std::vector<int> todo;
  for (int i = 0; i < a.shards; ++i) {
    auto state = results::ReadShardFile(ShardDbPath(db, label, {i, a.shards}));
    if (!state.ok()) return Fail("slurm submit: " + state.error().message);
    if (!state.value().complete) todo.push_back(i);
  }
  const std::string self = SelfPath();
  std::ostringstream run;
  run << ShellWord(self) << " run " << ShellWord(a.suite);
  for (const std::string& arg : a.run_args) run << " " << ShellWord(arg);
  if (!a.run_name.empty()) run << " --run-name " << ShellWord(a.run_name);
  run << " --db " << ShellWord(db) << " --shard \"$SLURM_ARRAY_TASK_ID/" << a.shards << "\"";

  std::ostringstream array;
  array << Header(a, "gauntlet-" + label, dir + "/shard-%a.log") << "#SBATCH --array=" << JoinList(todo) << "\n";
  if (a.cpus_per_task > 0) array << "#SBATCH --cpus-per-task=" << a.cpus_per_task << "\n";
  if (!a.gres.empty()) array << "#SBATCH --gres=" << a.gres << "\n";
  array << "# shard $SLURM_ARRAY_TASK_ID of " << a.shards << " of run '" << label << "' (gauntlet slurm submit)\n"
        << "set -euo pipefail\nexec " << run.str() << "\n";
  const fs::path db_path(db);
  const std::string pattern = (db_path.parent_path() / db_path.stem()).string() + "." + label + ".shard-";
  std::ostringstream merge;
  merge << Header(a, "gauntlet-" + label + "-merge", dir + "/merge.log")
        << "# merges the shards of run '" << label << "' once the array has ended (afterany)\n"
        << "set -uo pipefail\nshopt -s nullglob\n"
        << "files=(" << ShellWord(pattern) << "*\"-of-" << a.shards << ".db\")\n"
        << "if [ ${#files[@]} -eq 0 ]; then echo \"no shard of run '" << label
        << "' wrote results (see the shard logs beside this one)\" >&2; exit 1; fi\n"
        << "exec " << ShellWord(self) << " db merge " << ShellWord(db) << " \"${files[@]}\"\n";
  if (a.dry_run) {
    std::cout << "# " << dir << "/array.sbatch\n" << array.str() << "\n# " << dir << "/merge.sbatch\n" << merge.str();
    return 0;
  }
  if (todo.empty()) {
    std::cout << "every shard of '" << label << "' has finished; nothing to submit (merge: gauntlet db merge " << db
              << " " << pattern << "*-of-" << a.shards << ".db)\n";
    return 0;
  }
  fs::create_directories(dir);
  std::ofstream(dir + "/array.sbatch") << array.str();
  std::ofstream(dir + "/merge.sbatch") << merge.str();
  auto array_job = Capture("sbatch --parsable " + ShellWord(dir + "/array.sbatch"));
  if (!array_job.ok()) return Fail("slurm submit: " + array_job.error().message);
  const std::string array_id = array_job.value().substr(0, array_job.value().find_first_of(";\n"));
  auto merge_job = Capture("sbatch --parsable --dependency=afterany:" + array_id + " " + ShellWord(dir + "/merge.sbatch"));
  if (!merge_job.ok()) return Fail("slurm submit: the array is job " + array_id + "; " + merge_job.error().message);
  const std::string merge_id = merge_job.value().substr(0, merge_job.value().find_first_of(";\n"));
  const nlohmann::json jobs = {{"label", label},     {"shards", a.shards},  {"array", todo},
                               {"array_job", array_id}, {"merge_job", merge_id}, {"db", db},
                               {"submitted_at", static_cast<long long>(std::time(nullptr))}};
  std::ofstream(dir + "/jobs.json") << jobs.dump(1) << "\n";
  std::cout << "submitted run '" << label << "': array job " << array_id << " (shards " << JoinList(todo) << " of "
            << a.shards << "), merge job " << merge_id << " into " << db << "\n";
  return 0;
}

int ShowStatus(const SlurmArgs& a) {
  const std::string dir = SlurmDir(a);
  std::ifstream in(dir + "/jobs.json");
  if (!in) return Fail("slurm status: " + dir + "/jobs.json not found (submit the run with `gauntlet slurm submit`, "
                       "with the same --db and --run-name or suite)");
  nlohmann::json jobs;
  try {
    in >> jobs;
  } catch (const nlohmann::json::exception& e) {
    return Fail("slurm status: " + dir + "/jobs.json: " + e.what());
  }
  const int shards = jobs["shards"];
  const std::string label = jobs["label"], db = jobs["db"];
  // Slurm's view of the array's tasks (nothing once they have left the queue).
  std::map<std::string, std::string> queued;
  if (auto q = Capture("squeue -h -r -j " + jobs["array_job"].get<std::string>() + " -o '%K %T'"); q.ok()) {
    std::istringstream lines(q.value());
    for (std::string index, state; lines >> index >> state;) queued[index] = state;
  }
  int present = 0, planned = 0, finished = 0;
  for (int i = 0; i < shards; ++i) {
    const std::string file = ShardDbPath(db, label, {i, shards});
    auto state = results::ReadShardFile(file);
    if (!state.ok()) return Fail("slurm status: " + state.error().message);
    const auto& s = state.value();
    std::string line = !s.exists ? "no results yet" : s.complete ? "finished" : "unfinished";
    if (s.exists) line += ", " + std::to_string(s.present) + " / " + std::to_string(s.planned) + " episodes";
    auto q = queued.find(std::to_string(i));
    if (q != queued.end()) line += " (slurm: " + q->second + ")";
    std::cout << "shard " << i << "/" << shards << ": " << line << "\n";
    present += s.present;
    planned += s.planned;
    finished += s.complete;
  }
  std::cout << label << ": " << finished << " / " << shards << " shards finished, " << present
            << " episodes stored so far (of " << planned << " in the shards started); merge job "
            << jobs["merge_job"].get<std::string>() << " into " << db << "\n";
  return finished == shards ? 0 : 1;
}

}  // namespace

Command AddSlurmCommand(CLI::App& app) {
  auto args = std::make_shared<SlurmArgs>();
  auto* sub = app.add_subcommand("slurm", "Run a suite on a Slurm cluster: a job array of shards and a merge job");
  sub->require_subcommand(1);
  auto* submit = sub->add_subcommand(
      "submit", "Write and submit an sbatch array (one task per shard, `run --shard $SLURM_ARRAY_TASK_ID/N`) and a "
                "merge job (afterany); options it does not know go to `gauntlet run`");
  submit->allow_extras();
  submit->add_option("suite", args->suite, "Suite or suite set, as `gauntlet run` takes it")->required();
  submit->add_option("--shards", args->shards, "N: shards (array tasks)")->required()->check(CLI::Range(1, 100000));
  submit->add_option("--db", args->db, "Merged results file; shards and job files go beside it")->capture_default_str();
  submit->add_option("--run-name", args->run_name, "Run name (default: as `gauntlet run` names it)");
  submit->add_option("--partition", args->partition, "Slurm partition");
  submit->add_option("--time", args->time, "Slurm time limit per shard (e.g. 02:00:00)");
  submit->add_option("--cpus-per-task", args->cpus_per_task, "CPUs per shard (match --workers)");
  submit->add_option("--gres", args->gres, "Generic resources per shard (e.g. gpu:1 for an in-process model)");
  submit->add_flag("--dry-run", args->dry_run, "Print the two batch scripts, submit nothing");
  auto* status = sub->add_subcommand("status", "Shard states and coverage of a submitted run; exit 1 until all finished");
  status->add_option("suite", args->suite, "The suite as given to submit (names the run without --run-name)");
  status->add_option("--db", args->db, "The merged results file given to submit")->capture_default_str();
  status->add_option("--run-name", args->run_name, "The run name given to submit");
  return {sub, [args, submit, status] {
            if (*submit) {
              args->run_args = submit->remaining();
              return Submit(*args);
            }
            if (args->suite.empty() && args->run_name.empty()) return Fail("slurm status: give the suite or --run-name");
            return ShowStatus(*args);
          }};
}

}  // namespace gauntlet::app
