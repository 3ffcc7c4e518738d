// Episodes per minute through the remote client and the project's test
// server (tests/remote/policy_server.py, the probe behind openpi's protocol)
// on loopback, with episodes in flight: LIBERO-Spatial task 0, two 128x128
// cameras, replanning every 5 steps, full 220-step episodes (the probe never
// succeeds), one worker. The server waits L ms per request (a model's
// inference; asyncio.sleep, so concurrent connections overlap) and takes
// batches of up to 16 observations per request.
//
// Rows, per L: E episodes in flight x B queries per batch (B <= E; B = 1
// with batch=off, one bare openpi observation per request), one connection
// (concurrency=1), and E = 16 with B = 1 over 16 connections. The bound is
// the same episodes with the in-process probe (no wire, no latency; E = 16,
// B = 16, so that its small work runs beside the worker's): what the
// simulation and rendering alone allow on this machine, measured at the
// start, right before each row (the machine is shared: its load drifts) and
// at the end of the same run. Wall time of RunSchedule for
// the whole set of episodes.
//
//   remote_in_flight_bench [--episodes N (16)] [--latencies 20,50] [--workers W (1)]
//
// Not a google-benchmark: one measurement per row is minutes of episodes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "harness/scheduler.h"
#include "policies/probe_policy.h"
#include "policies/remote/remote_policy.h"
#include "gauntlet_build_paths.h"

namespace gauntlet {
namespace {

// The test server as a child process, killed on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& args) {
    std::vector<std::string> argv_storage = {"/usr/bin/python3",
                                             std::string(GAUNTLET_SOURCE_DIR) + "/tests/remote/policy_server.py"};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (auto& a : argv_storage) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[64];
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, n);
    }
    close(out[0]);
    port_ = std::atoi(line.c_str());
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return port_ > 0; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Setup {
  SuiteSpec suite;
  std::vector<WorkItem> work;
  int workers = 1;
};

// Episodes per minute of the whole set, or -1 when any episode did not end
// as the probe's always do (a failure after its 220 steps).
double EpisodesPerMinute(const Setup& setup, const PolicyFactory& policy, int in_flight, int batch_size) {
  ScheduleOptions options;
  options.render = true;
  options.workers = setup.workers;
  options.in_flight = in_flight;
  options.batch.batch_size = batch_size;
  options.runner.replan_steps = 5;
  const SuiteSpec& suite = setup.suite;
  // Through the family registry, as `gauntlet run` builds worlds.
  EnvFactory envs = [&suite](const TaskSpec& task, const std::optional<Perturbation>& world,
                             const std::string&) -> Result<std::unique_ptr<Env>> {
    auto family = Families().FamilyOf(suite);
    if (!family.ok()) return family.error();
    WorldRequest request;
    request.suite = &suite;
    request.task = &task;
    request.image_width = 128;
    request.image_height = 128;
    request.world = world;
    return family.value()->MakeEnv(request);
  };
  int bad = 0;
  std::string why;
  const auto start = std::chrono::steady_clock::now();
  Status s = RunSchedule(setup.work, suite, envs, policy, options, [&](const EpisodeOutcome& o) {
    if (o.status != EpisodeStatus::kFailure || o.steps != 220) {
      ++bad;
      why = o.termination;
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok() || bad > 0) {
    std::cerr << "  " << bad << " episodes went wrong: " << (s.ok() ? why : s.message()) << "\n";
    return -1;
  }
  return 60.0 * setup.work.size() / seconds;
}

std::vector<int> ParseList(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

int Main(int argc, char** argv) {
  int episodes = 16;
  std::vector<int> latencies = {20, 50};
  Setup setup;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--episodes") episodes = std::stoi(value);
    else if (flag == "--latencies") latencies = ParseList(value);
    else if (flag == "--workers") setup.workers = std::stoi(value);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  auto suite = LoadSuite(std::string(GAUNTLET_SOURCE_DIR) + "/suites/libero_spatial.yaml");
  if (!suite.ok()) {
    std::cerr << suite.error().message << "\n";
    return 1;
  }
  setup.suite = suite.value();
  for (int i = 0; i < episodes; ++i) {
    WorkItem item;
    item.spec.key = {setup.suite.name, setup.suite.tasks[0].name, "default", i, 7};
    item.spec.task_index = 0;
    item.spec.settle_steps = setup.suite.protocol.settle_steps;
    item.spec.max_steps = 220;
    item.context.suite = setup.suite.name;
    item.context.init_state = i;
    item.context.instruction = setup.suite.tasks[0].instruction;
    setup.work.push_back(item);
  }

  const PolicyFactory probe = [] {
    return policies::ProbePolicy::Create(policies::PolicyOptions::Parse({"chunk=5"}).value());
  };
  std::cout << "episodes: " << episodes << " x 220 steps, workers: " << setup.workers << "\n";
  // The probe's own work is tiny (two image means); answered on the
  // batcher's thread (E = 16) it leaves the worker nothing but simulation.
  const double bound_1 = EpisodesPerMinute(setup, probe, 1, 1);
  const double bound = EpisodesPerMinute(setup, probe, 16, 16);
  std::cout << "simulation-only bound (in-process probe): E=1 " << bound_1 << ", E=16 B=16 " << bound
            << " episodes/min\n\n";
  std::cout << "| L (ms) | E | B | connections | episodes/min | bound just before | of that bound |\n";
  std::cout << "|---|---|---|---|---|---|---|\n";
  struct Row {
    int in_flight, batch, concurrency;
  };
  const std::vector<Row> rows = {{1, 1, 1},  {8, 1, 1},   {8, 8, 1},  {16, 1, 1},
                                 {16, 8, 1}, {16, 16, 1}, {16, 1, 16}};
  for (int latency : latencies) {
    ServerProcess server({"--chunk", "5", "--batch", "16", "--latency-ms", std::to_string(latency)});
    if (!server.started()) {
      std::cerr << "the test server did not start\n";
      return 1;
    }
    for (const Row& row : rows) {
      std::vector<std::string> opts = {"chunk=5", "image_size=128", "orientation=upright",
                                       "concurrency=" + std::to_string(row.concurrency)};
      if (row.batch == 1) opts.push_back("batch=off");
      const std::string url = server.url();
      const PolicyFactory remote = [url, opts] {
        return policies::MakeRemotePolicy(url, policies::PolicyOptions::Parse(opts).value());
      };
      // The machine is shared: each row is set against a bound measured just before it.
      const double near = EpisodesPerMinute(setup, probe, 16, 16);
      const double rate = EpisodesPerMinute(setup, remote, row.in_flight, row.batch);
      char line[200];
      std::snprintf(line, sizeof line, "| %d | %d | %d | %d | %.1f | %.1f | %.0f%% |", latency, row.in_flight,
                    row.batch, row.concurrency, rate, near, 100.0 * rate / near);
      std::cout << line << std::endl;
    }
  }
  // The machine's load drifts: the bound again, at the end.
  std::cout << "\nsimulation-only bound at the end: E=16 B=16 " << EpisodesPerMinute(setup, probe, 16, 16)
            << " episodes/min\n";
  return 0;
}

}  // namespace
}  // namespace gauntlet

int main(int argc, char** argv) {
  gauntlet::envs::RegisterFamilies(gauntlet::Families());
  return gauntlet::Main(argc, argv);
}
