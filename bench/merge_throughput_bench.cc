// Merge throughput of policies/merged/ (MergeModels) against bare LibTorch
// arithmetic on the same tensors, in the same run.
//
//   TaskArithmetic            task_arithmetic, alpha 0.3
//   Ties/granularity:model    ties, density 0.2, agg sum, alpha 0.3, trim cut over the whole model
//   Ties/granularity:tensor   the same, trim cut per tensor
//
// Workload: a base θ₀ and M experts (--experts, 4) shaped like a small
// transformer of --blocks blocks (8), float32. A block is LayerNorm (weight,
// bias: 1024), attention q, k, v, o (1024 x 1024), LayerNorm, MLP fc1
// (4096 x 1024) and fc2 (1024 x 4096): 12.6 M parameters, 50.3 MB. 8 blocks
// are 101 M parameters, 0.403 GB per model, 2.01 GB for base + 4 experts.
// Drawn once, before any timing (see GenerateModel).
//
// Why 8 blocks and not 12 (151 M parameters): TIES at model granularity
// ranks the |τ_m| of the whole model with at::kthvalue, which copies its
// model-sized input and allocates an int64 index of the same length, so both
// sides peak at the inputs plus four more models, plus the output kept for the
// check below: M + 6 models; 7.0 GB resident at 12 blocks, 5.0 GB at 8.
//
// Throughput counts the bytes of the M + 1 input models read per merge,
// (M + 1) x model bytes, whatever a method does with them (TIES at model
// granularity reads the experts twice: counted once), so the rates of
// different methods compare their cost on one input.
//
// Each iteration runs two sides over the same tensors, alternating which goes
// first so that neither always inherits the other's cache and heap state:
//   library  MergeModels(method, base, experts, params) -> θ₀ + τ_merge, a new
//            ParameterMap, and its diagnostics at --diagnostics (basic, the
//            merge verb's default; none; full): they are included in the
//            library's time.
//   raw      the method's formula as at:: ops in a loop over
//            std::vector<at::Tensor>, producing the same merged tensors. After
//            each tensor it also feeds DiagnosticsAccumulator::Add exactly what
//            MergeModels feeds it, timed apart from the arithmetic: how much
//            of the library's time its diagnostics take.
// Neither side's time includes freeing its output model.
//
// The benchmark's time is the library's wall clock (manual time). Counters:
//   lib_GB            library throughput, GB/s of input read (the "/s" is the rate)
//   raw_GB/s          raw arithmetic throughput
//   lib/raw           library GB/s / raw GB/s = raw time / library time
//                     (1: as fast as bare arithmetic)
//   cpu:lib/raw       the same in process CPU time (Span), steadier under load
//   cpu:diag          the diagnostics' CPU time / the library's
//   cpu:lib/raw+diag  CPU time of raw arithmetic + diagnostics / the library's:
//                     what the library costs beyond the two
//   differ            elements where the two merged models differ (first
//                     iteration). 0 for task_arithmetic. TIES: magnitudes tied
//                     at the trim cut, of which the library keeps exactly
//                     ⌊density·n⌋ (the earliest) and raw keeps all.
// A summary after the table prints the same figures per case.
#include <benchmark/benchmark.h>

// Per-operator headers instead of <ATen/ATen.h>: 9 s to compile instead of 70.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/kthvalue.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/sub.h>
#include <ATen/ops/where.h>
#include <ATen/ops/zeros_like.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "merging/diagnostics_accumulator.h"
#include "merging/merge_methods.h"
#include "merging/parameter_map.h"

namespace {

namespace merged = gauntlet::merging;
using Clock = std::chrono::steady_clock;

constexpr int64_t kHidden = 1024;  // model width
constexpr int64_t kMlp = 4096;     // MLP width
constexpr double kAlpha = 0.3;     // task_arithmetic's and ties' default (merge_methods.h)
constexpr double kDensity = 0.2;   // ties' default
constexpr uint64_t kSeed = 7;      // model k draws from a generator seeded kSeed + k (0: the base)

struct Flags {
  int blocks = 8;           // transformer blocks per model (50.3 MB each)
  int experts = 4;          // M
  int intraop_threads = 1;  // at::set_num_threads
  merged::DiagnosticsLevel diagnostics = merged::DiagnosticsLevel::kBasic;
};

Flags g_flags;  // set once in main, before any benchmark runs

void PrintHelp() {
  std::cout << "merge_throughput_bench: GB/s of merge_methods.h's task_arithmetic and ties (model and\n"
               "tensor granularity) against bare LibTorch arithmetic on the same tensors.\n"
               "\n"
               "  --blocks=N           transformer blocks per model, 12.6 M parameters (50.3 MB) each\n"
               "                       (default 8: 0.403 GB). Peak memory is about M + 6 models (ties at\n"
               "                       model granularity): 5.0 GB at the defaults, 7.0 GB at 12 blocks\n"
               "  --experts=M          experts merged onto the base (default 4)\n"
               "  --intraop_threads=N  LibTorch intra-op threads (default 1)\n"
               "  --diagnostics=LEVEL  none, basic (default, as gauntlet merge) or full\n"
               "\n"
               "Google Benchmark's own flags follow.\n\n";
  benchmark::PrintDefaultHelp();
}

// Takes this program's flags out of argv (Google Benchmark rejects unknown
// ones); false, with a message, on a bad value.
bool ParseFlags(int* argc, char** argv, Flags* flags) {
  struct Known {
    const char* prefix;
    int* value;
  };
  const Known known[] = {{"--blocks=", &flags->blocks},
                         {"--experts=", &flags->experts},
                         {"--intraop_threads=", &flags->intraop_threads}};
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp(argv[i], "--diagnostics=", 14) == 0) {
      auto level = merged::ParseDiagnosticsLevel(argv[i] + 14);
      if (!level.ok()) {
        std::cerr << "merge_throughput_bench: " << level.error().message << "\n";
        return false;
      }
      flags->diagnostics = level.value();
      continue;
    }
    const Known* match = nullptr;
    for (const Known& k : known) {
      if (std::strncmp(argv[i], k.prefix, std::strlen(k.prefix)) == 0) match = &k;
    }
    if (match == nullptr) {
      argv[kept++] = argv[i];
      continue;
    }
    const char* text = argv[i] + std::strlen(match->prefix);
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 1 || value > 1000) {
      std::cerr << "merge_throughput_bench: " << argv[i] << ": expected an integer from 1 to 1000\n";
      return false;
    }
    *match->value = static_cast<int>(value);
  }
  *argc = kept;
  return true;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds of wall clock and of this process's CPU time (every thread, user and
// system). CPU time leaves out waiting for other processes' load, so on a
// shared machine its ratios are the steadier ones.
struct Span {
  double wall = 0;
  double cpu = 0;
  Span& operator+=(const Span& other) {
    wall += other.wall;
    cpu += other.cpu;
    return *this;
  }
  Span operator-(const Span& other) const { return {wall - other.wall, cpu - other.cpu}; }
};

double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

class Stopwatch {
 public:
  Span Elapsed() const { return {SecondsSince(wall_), ProcessCpuSeconds() - cpu_}; }

 private:
  Clock::time_point wall_ = Clock::now();
  double cpu_ = ProcessCpuSeconds();
};

// ---- The models --------------------------------------------------------------

struct ParameterSpec {
  std::string name;
  std::vector<int64_t> shape;
  bool norm_weight = false;  // a LayerNorm weight: drawn around 1
};

// Every parameter, in module order (names as a PyTorch state_dict would give them).
std::vector<ParameterSpec> TransformerLayout(int blocks) {
  std::vector<ParameterSpec> layout;
  for (int b = 0; b < blocks; ++b) {
    const std::string block = "blocks." + std::to_string(b) + ".";
    layout.push_back({block + "ln1.weight", {kHidden}, true});
    layout.push_back({block + "ln1.bias", {kHidden}});
    for (const char* projection : {"q", "k", "v", "o"}) {
      layout.push_back({block + "attn." + projection + ".weight", {kHidden, kHidden}});
    }
    layout.push_back({block + "ln2.weight", {kHidden}, true});
    layout.push_back({block + "ln2.bias", {kHidden}});
    layout.push_back({block + "mlp.fc1.weight", {kMlp, kHidden}});
    layout.push_back({block + "mlp.fc2.weight", {kHidden, kMlp}});
  }
  return layout;
}

int64_t LayoutNumel(const std::vector<ParameterSpec>& layout) {
  int64_t n = 0;
  for (const auto& spec : layout) {
    int64_t size = 1;
    for (int64_t d : spec.shape) size *= d;
    n += size;
  }
  return n;
}

// Model k of the workload (0: the base). Base entries ~ N(0, 0.02²) (GPT-2's
// initialisation; LayerNorm weights 1 + that); an expert is the base plus
// N(0, 0.002²): fine-tuned models stay close to their base, and their task
// vectors are dense and disagree in sign, as TIES expects.
std::vector<at::Tensor> GenerateModel(const std::vector<ParameterSpec>& layout, int k,
                                      const std::vector<at::Tensor>* base) {
  at::Generator generator = at::detail::createCPUGenerator(kSeed + k);
  const at::TensorOptions options = at::TensorOptions().dtype(at::kFloat);
  std::vector<at::Tensor> model;
  for (size_t i = 0; i < layout.size(); ++i) {
    const ParameterSpec& spec = layout[i];
    if (base == nullptr) {
      at::Tensor theta = at::randn(spec.shape, generator, options).mul_(0.02);
      model.push_back(spec.norm_weight ? theta.add_(1.0) : theta);
    } else {
      model.push_back(at::randn(spec.shape, generator, options).mul_(0.002).add_((*base)[i]));
    }
  }
  return model;
}

// The inputs, as plain tensors for the raw side and as ParameterMaps (the
// same storage) for MergeModels. Immutable once built.
struct Workload {
  std::vector<std::string> names;                // parameters, in module order
  std::vector<at::Tensor> base;                  // θ₀, per parameter
  std::vector<std::vector<at::Tensor>> experts;  // θ_m: [expert][parameter]
  merged::ParameterMap base_map{"base"};
  std::vector<merged::ParameterMap> expert_maps;
  int64_t model_numel = 0;      // parameters per model
  double bytes_per_merge = 0;   // (M + 1) x model_numel x 4
};

std::unique_ptr<Workload> BuildWorkload(const Flags& flags) {
  const auto start = Clock::now();
  const std::vector<ParameterSpec> layout = TransformerLayout(flags.blocks);
  auto w = std::make_unique<Workload>();
  w->base = GenerateModel(layout, 0, nullptr);
  for (int m = 0; m < flags.experts; ++m) {
    w->experts.push_back(GenerateModel(layout, m + 1, &w->base));
    w->expert_maps.emplace_back("expert " + std::to_string(m));
  }
  for (size_t i = 0; i < layout.size(); ++i) {
    w->names.push_back(layout[i].name);
    w->base_map.Add(layout[i].name, w->base[i]);
    for (int m = 0; m < flags.experts; ++m) w->expert_maps[m].Add(layout[i].name, w->experts[m][i]);
  }
  w->model_numel = LayoutNumel(layout);
  w->bytes_per_merge = static_cast<double>(flags.experts + 1) * w->model_numel * sizeof(float);
  std::cout << "generated base + " << flags.experts << " experts in " << std::fixed << std::setprecision(1)
            << SecondsSince(start) << " s\n";
  return w;
}

// Built on first use, so that --benchmark_list_tests and a filter matching
// nothing stay instant.
const Workload& GetWorkload() {
  static const std::unique_ptr<Workload> workload = BuildWorkload(g_flags);
  return *workload;
}

// ---- The two sides -------------------------------------------------------------

enum class Method { kTaskArithmetic, kTiesModel, kTiesTensor };

struct Case {
  std::string name;  // benchmark name
  Method method;
  merged::MergeParams params;  // MergeModels' spelling of the same method
};

std::vector<Case> Cases() {
  const std::string alpha = merged::FormatNumber(kAlpha);
  const std::string density = merged::FormatNumber(kDensity);
  return {
      {"TaskArithmetic", Method::kTaskArithmetic, {{"alpha", alpha}}},
      {"Ties/granularity:model",
       Method::kTiesModel,
       {{"density", density}, {"agg", "sum"}, {"granularity", "model"}, {"alpha", alpha}}},
      {"Ties/granularity:tensor",
       Method::kTiesTensor,
       {{"density", density}, {"agg", "sum"}, {"granularity", "tensor"}, {"alpha", alpha}}},
  };
}

const char* MethodName(Method method) { return method == Method::kTaskArithmetic ? "task_arithmetic" : "ties"; }

// The time of one MergeModels call; the merged tensors in *out when given.
gauntlet::Result<Span> RunLibrary(const Workload& w, const Case& c, std::vector<at::Tensor>* out) {
  const Stopwatch stopwatch;
  merged::MergeOptions options;
  options.diagnostics.level = g_flags.diagnostics;
  auto result = merged::MergeModels(MethodName(c.method), w.base_map, w.expert_maps, c.params, options);
  const Span time = stopwatch.Elapsed();
  if (!result.ok()) return result.error();
  if (out != nullptr) {
    for (const auto& entry : result.value().merged.entries()) out->push_back(entry.second);
  }
  return time;
}

// The TIES trim keeps the ⌊density·n⌋ largest magnitudes: those at or above
// the keep-th largest, the (n − keep + 1)-th smallest. Our tensors have
// n >= 1024, so 1 <= keep < n.
float TrimThreshold(const at::Tensor& magnitudes, int64_t keep) {
  const int64_t n = magnitudes.numel();
  return std::get<0>(at::kthvalue(magnitudes.reshape({-1}), n - keep + 1)).item<float>();
}

int64_t TrimKeep(int64_t n) { return static_cast<int64_t>(kDensity * static_cast<double>(n)); }

// granularity=model: per expert, the cut over the |τ_m| of the whole model,
// gathered into one model-sized buffer.
std::vector<float> ModelTrimThresholds(const Workload& w) {
  at::Tensor magnitudes = at::empty({w.model_numel}, at::kFloat);
  std::vector<float> thresholds;
  for (const auto& expert : w.experts) {
    int64_t offset = 0;
    for (size_t i = 0; i < w.base.size(); ++i) {
      const int64_t n = w.base[i].numel();
      at::Tensor slot = magnitudes.narrow(0, offset, n);
      at::sub_out(slot, expert[i].reshape({-1}), w.base[i].reshape({-1}));
      slot.abs_();
      offset += n;
    }
    thresholds.push_back(TrimThreshold(magnitudes, TrimKeep(w.model_numel)));
  }
  return thresholds;
}

// TIES on one tensor: trim each τ_m at its threshold (`thresholds` per expert,
// or empty for a per-tensor cut), elect the sign of Σ τ̂_m (0 counts as +),
// sum the τ̂_m that agree with it, scale by alpha.
at::Tensor TiesTaskVector(const std::vector<at::Tensor>& taus, const std::vector<float>& thresholds) {
  std::vector<at::Tensor> trimmed;
  for (size_t m = 0; m < taus.size(); ++m) {
    const at::Tensor magnitudes = taus[m].abs();
    const float threshold =
        thresholds.empty() ? TrimThreshold(magnitudes, TrimKeep(taus[m].numel())) : thresholds[m];
    trimmed.push_back(at::where(magnitudes >= threshold, taus[m], 0.0));
  }
  at::Tensor total = trimmed[0].clone();
  for (size_t m = 1; m < trimmed.size(); ++m) total += trimmed[m];
  const at::Tensor positive = total >= 0;
  at::Tensor sum = at::zeros_like(total);
  for (const auto& t : trimmed) sum += at::where((t > 0) == positive, t, 0.0);
  return sum.mul_(kAlpha);
}

struct RawTimes {
  Span arithmetic;
  Span diagnostics;  // in DiagnosticsAccumulator
};

RawTimes RunRaw(const Workload& w, Method method, std::vector<at::Tensor>* out) {
  const Stopwatch stopwatch;
  RawTimes times;
  const std::vector<float> thresholds =
      method == Method::kTiesModel ? ModelTrimThresholds(w) : std::vector<float>{};
  std::vector<std::string> tasks;
  for (const auto& expert : w.expert_maps) tasks.push_back(expert.source());
  merged::DiagnosticsOptions diagnostics_options;
  diagnostics_options.level = g_flags.diagnostics;
  merged::DiagnosticsAccumulator diagnostics(tasks, diagnostics_options, /*method_masks=*/false, 0.0);
  std::vector<at::Tensor> merged_model;
  std::vector<at::Tensor> taus(w.experts.size());
  for (size_t i = 0; i < w.base.size(); ++i) {
    const at::Tensor& theta0 = w.base[i];
    for (size_t m = 0; m < w.experts.size(); ++m) taus[m] = w.experts[m][i] - theta0;
    at::Tensor tau_merge;
    if (method == Method::kTaskArithmetic) {
      tau_merge = taus[0].clone();
      for (size_t m = 1; m < taus.size(); ++m) tau_merge += taus[m];
      tau_merge.mul_(kAlpha);
    } else {
      tau_merge = TiesTaskVector(taus, thresholds);
    }
    merged_model.push_back(theta0 + tau_merge);
    const Stopwatch diagnostics_stopwatch;
    diagnostics.Add(w.names[i], theta0, taus, tau_merge, {});
    times.diagnostics += diagnostics_stopwatch.Elapsed();
  }
  const Stopwatch finish_stopwatch;
  benchmark::DoNotOptimize(diagnostics.Finish());
  times.diagnostics += finish_stopwatch.Elapsed();
  times.arithmetic = stopwatch.Elapsed() - times.diagnostics;
  if (out != nullptr) *out = std::move(merged_model);
  return times;
}

int64_t CountDiffering(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  int64_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i].ne(b[i]).sum().item<int64_t>();
  return differ;
}

void BM_Merge(benchmark::State& state, const Case& c) {
  at::NoGradGuard no_grad;
  const Workload& w = GetWorkload();
  Span library_total, raw_total, diagnostics_total;
  int64_t differ = -1;
  int64_t iteration = 0;
  for (auto _ : state) {
    // The first iteration keeps both outputs to compare them.
    std::vector<at::Tensor> library_out, raw_out;
    const bool compare = iteration == 0;
    Span library;
    RawTimes raw;
    for (int turn = 0; turn < 2; ++turn) {
      if ((turn + iteration) % 2 == 0) {
        const auto result = RunLibrary(w, c, compare ? &library_out : nullptr);
        if (!result.ok()) {
          state.SkipWithError(result.error().message.c_str());
          return;
        }
        library = result.value();
      } else {
        raw = RunRaw(w, c.method, compare ? &raw_out : nullptr);
      }
    }
    if (compare) differ = CountDiffering(library_out, raw_out);
    state.SetIterationTime(library.wall);
    library_total += library;
    raw_total += raw.arithmetic;
    diagnostics_total += raw.diagnostics;
    ++iteration;
  }
  const double gigabytes = w.bytes_per_merge / 1e9 * static_cast<double>(state.iterations());
  state.counters["lib_GB"] = benchmark::Counter(gigabytes, benchmark::Counter::kIsRate);
  state.counters["raw_GB/s"] = gigabytes / raw_total.wall;
  state.counters["lib/raw"] = raw_total.wall / library_total.wall;
  state.counters["cpu:lib/raw"] = raw_total.cpu / library_total.cpu;
  state.counters["cpu:diag"] = diagnostics_total.cpu / library_total.cpu;
  state.counters["cpu:lib/raw+diag"] = (raw_total.cpu + diagnostics_total.cpu) / library_total.cpu;
  state.counters["differ"] = static_cast<double>(differ);
  std::ostringstream label;
  label << "GB = input read: base + " << w.experts.size() << " experts x " << std::fixed << std::setprecision(3)
        << w.model_numel * sizeof(float) / 1e9 << " GB per merge; " << at::get_num_threads() << " intra-op thread"
        << (at::get_num_threads() == 1 ? "" : "s");
  state.SetLabel(label.str());
}

// The table as usual, then one line per case with the figures in words.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal: a reporter passed to RunSpecifiedBenchmarks
  // does not see --benchmark_color.
  SummaryReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& reports) override {
    ConsoleReporter::ReportRuns(reports);
    for (const Run& run : reports) {
      if (run.error_occurred) continue;
      // With --benchmark_repetitions, the median stands for the case.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      lines_[run.run_name.function_name] = run.counters;
    }
  }

  void PrintSummary(std::ostream& out) const {
    if (lines_.empty()) return;
    out << "\nGB/s of input read (base + experts) per merge, wall clock; ratios: raw time / library time\n"
        << std::fixed;
    for (const auto& [name, counters] : lines_) {
      out << std::setprecision(3) << name << ": library " << counters.at("lib_GB").value << " GB/s, raw "
          << counters.at("raw_GB/s").value << " GB/s, lib/raw " << counters.at("lib/raw").value << " (CPU time "
          << counters.at("cpu:lib/raw").value << "); diagnostics " << std::setprecision(1)
          << 100 * counters.at("cpu:diag").value << "% of the library's CPU time, lib/(raw + diagnostics) "
          << std::setprecision(3) << counters.at("cpu:lib/raw+diag").value << "; differing elements "
          << std::setprecision(0) << counters.at("differ").value << "\n";
    }
  }

 private:
  std::map<std::string, benchmark::UserCounters> lines_;
};

}  // namespace

int main(int argc, char** argv) {
  if (!ParseFlags(&argc, argv, &g_flags)) return 1;
  benchmark::Initialize(&argc, argv, PrintHelp);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  at::set_num_threads(g_flags.intraop_threads);
  const int64_t model_numel = LayoutNumel(TransformerLayout(g_flags.blocks));
  std::cout << "workload: base + " << g_flags.experts << " experts, " << g_flags.blocks << " blocks, "
            << std::fixed << std::setprecision(1) << model_numel / 1e6 << " M float32 parameters ("
            << std::setprecision(3) << model_numel * sizeof(float) / 1e9 << " GB) per model; "
            << at::get_num_threads() << " intra-op thread(s); library times include its diagnostics ("
            << merged::DiagnosticsLevelName(g_flags.diagnostics) << ")\n";
  for (const Case& c : Cases()) {
    benchmark::RegisterBenchmark(c.name.c_str(), BM_Merge, c)
        ->Unit(benchmark::kSecond)
        ->UseManualTime()
        ->Iterations(2);  // both orders of the two sides
  }
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary(std::cout);
  benchmark::Shutdown();
  return 0;
}
