// Time and accuracy of the SVD-based merge methods (tsv, iso_c, iso_cts,
// knots) with the full SVD against the randomized one (merging/randomized_svd.h),
// on one square float32 layer and M experts, through MergeModels.
//
// Workloads (--workload):
//   dense   τ_m = U_m·diag(σ)·V_mᵀ with Haar-random U_m, V_m and the power-law
//           spectrum σ_i = (i + 1)^-1 (full rank, decaying as fine-tuning
//           task vectors do; the randomized SVD's accuracy depends on it).
//   lora    τ_m = B_m·A_m with rank --lora_rank (16) Gaussian factors: the
//           updates of M LoRA experts folded into the dense weight (KnOTS's
//           case: the aligned rank is M·r).
// The base is Gaussian; it does not enter the task vectors.
//
// Per method it merges with svd=full (the reference, FusionBench's), then
// with svd=auto and svd=randomized, and prints the wall time of each merge
// and the relative Frobenius error of its merged task vector against the
// full-SVD merge's: ‖τ − τ_full‖_F / ‖τ_full‖_F. `full64` merges the same
// inputs in float64 with the full SVD: its error is the float32 merge's own
// sensitivity to rounding, the floor against which to read the others.
// Diagnostics are off (--diagnostics none): only the method is timed.
//
//   merge_svd_bench [--size=4096] [--experts=4] [--threads=1] [--workload=dense|lora]
//                   [--lora_rank=16] [--methods=tsv,iso_c,iso_cts,knots] [--svd=full,full64,auto,randomized]
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "merging/merge_methods.h"
#include "merging/parameter_map.h"

namespace {

namespace merging = gauntlet::merging;
using Clock = std::chrono::steady_clock;

struct Flags {
  int64_t size = 4096;
  int experts = 4;
  int threads = 1;
  std::string workload = "dense";
  int64_t lora_rank = 16;
  std::vector<std::string> methods = {"tsv", "iso_c", "iso_cts", "knots"};
  std::vector<std::string> svd = {"full", "full64", "auto", "randomized"};
};

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string key = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--size") flags.size = std::atoll(value.c_str());
    else if (key == "--experts") flags.experts = std::atoi(value.c_str());
    else if (key == "--threads") flags.threads = std::atoi(value.c_str());
    else if (key == "--workload") flags.workload = value;
    else if (key == "--lora_rank") flags.lora_rank = std::atoll(value.c_str());
    else if (key == "--methods") flags.methods = Split(value);
    else if (key == "--svd") flags.svd = Split(value);
    else {
      std::cerr << "merge_svd_bench: unknown flag " << arg << "\n";
      return false;
    }
  }
  return flags.size > 0 && flags.experts > 0 && flags.threads > 0 &&
         (flags.workload == "dense" || flags.workload == "lora");
}

// Haar-random orthogonal [n, n] (QR of a Gaussian, signs fixed by R's diagonal).
at::Tensor Orthogonal(int64_t n, at::Generator& g) {
  auto [q, r] = at::linalg_qr(at::randn({n, n}, g, at::kFloat), "reduced");
  return q * at::sign(at::diagonal(r)).unsqueeze(0);
}

at::Tensor TaskVector(const Flags& flags, at::Generator& g) {
  const int64_t n = flags.size;
  if (flags.workload == "lora") {
    return at::matmul(at::randn({n, flags.lora_rank}, g, at::kFloat), at::randn({flags.lora_rank, n}, g, at::kFloat)) *
           (1.0 / static_cast<double>(n));
  }
  const at::Tensor sigma = at::reciprocal(at::arange(1, n + 1, at::kFloat));
  return at::matmul(Orthogonal(n, g) * sigma.unsqueeze(0), Orthogonal(n, g).transpose(0, 1));
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) {
    std::cerr << "usage: merge_svd_bench [--size=4096] [--experts=4] [--threads=1] [--workload=dense|lora] "
                 "[--lora_rank=16] [--methods=tsv,iso_c,iso_cts,knots] [--svd=full,full64,auto,randomized]\n";
    return 2;
  }
  at::set_num_threads(flags.threads);
  at::NoGradGuard no_grad;
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(7);
  const auto drawn = Clock::now();
  const at::Tensor theta0 = at::randn({flags.size, flags.size}, g, at::kFloat) * 0.02;
  merging::ParameterMap base("base");
  base.Add("layer.weight", theta0);
  std::vector<merging::ParameterMap> experts, experts64;
  merging::ParameterMap base64("base64");
  base64.Add("layer.weight", theta0.to(at::kDouble));
  for (int m = 0; m < flags.experts; ++m) {
    merging::ParameterMap expert("expert" + std::to_string(m)), expert64("expert64_" + std::to_string(m));
    expert.Add("layer.weight", theta0 + TaskVector(flags, g));
    expert64.Add("layer.weight", expert.at("layer.weight").to(at::kDouble));
    experts.push_back(std::move(expert));
    experts64.push_back(std::move(expert64));
  }
  std::cout << "merge_svd_bench: " << flags.size << "x" << flags.size << " float32, " << flags.experts
            << " experts, workload " << flags.workload
            << (flags.workload == "lora" ? " (rank " + std::to_string(flags.lora_rank) + ")" : "") << ", "
            << flags.threads << " thread(s); inputs drawn in " << std::fixed << std::setprecision(1)
            << Seconds(Clock::now() - drawn) << " s\n\n";
  std::cout << std::left << std::setw(9) << "method" << std::setw(12) << "svd" << std::right << std::setw(10)
            << "wall_s" << std::setw(10) << "cpu_s" << std::setw(12) << "cpu_speedup" << std::setw(14) << "rel_err" << "\n";

  merging::MergeOptions options;
  options.diagnostics.level = merging::DiagnosticsLevel::kNone;
  for (const std::string& method : flags.methods) {
    at::Tensor reference;
    double reference_cpu = 0;
    for (const std::string& svd : flags.svd) {
      merging::MergeParams params;
      const bool fp64 = svd == "full64";
      if (method != "iso_c") params["svd"] = fp64 ? "full" : svd;
      else if (svd != "full" && !fp64) continue;  // iso_c needs every singular vector: full only
      const auto start = Clock::now();
      const std::clock_t cpu_start = std::clock();
      auto result = merging::MergeModels(method, fp64 ? base64 : base, fp64 ? experts64 : experts, params, options);
      const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      const double seconds = Seconds(Clock::now() - start);
      if (!result.ok()) {
        std::cerr << method << " svd=" << svd << ": " << result.error().message << "\n";
        return 1;
      }
      const at::Tensor tau = result.value().merged.at("layer.weight").to(at::kDouble) - theta0.to(at::kDouble);
      std::ostringstream error, speedup;
      if (svd == "full") {
        reference = tau;
        reference_cpu = cpu;
        error << "(reference)";
        speedup << "1.00";
      } else if (reference.defined()) {
        error << std::scientific << std::setprecision(2)
              << ((tau - reference).norm() / reference.norm()).item<double>();
        speedup << std::fixed << std::setprecision(2) << reference_cpu / cpu;
      }
      std::cout << std::left << std::setw(9) << method << std::setw(12) << svd << std::right << std::setw(10)
                << std::fixed << std::setprecision(2) << seconds << std::setw(10) << cpu << std::setw(12) << speedup.str() << std::setw(14)
                << error.str() << std::endl;
    }
  }
  return 0;
}
