// The evaluation chains of CALVIN's long-horizon benchmark (its
// multistep_sequences.get_sequences), regenerated rather than shipped: the
// same rules and the same numpy random stream give the same 1000 chains, so
// a suite only needs to pin a checksum of them.
//
//   sizes  = np.array_split(range(count), 192)     (the first count % 192
//            start states get one chain more)
//   for state i in StartStates():
//     np.random.seed(i)
//     until sizes[i] chains are accepted:
//       tasks = np.random.choice(34 tasks, 5, replace=False)
//       accept if each task, applied in order from state i, matches exactly
//       one rule (symbolic_state.h) and the 5 categories are distinct
//   concatenate state-major; np.random.seed(0); np.random.shuffle(chains)
#pragma once

#include <array>
#include <string>
#include <vector>

#include "envs/playtable/symbolic_state.h"

namespace gauntlet::envs::playtable {

inline constexpr int kChainLength = 5;

struct EvaluationChain {
  int start_state_index = 0;  // into StartStates() (0..191)
  SymbolicState start_state;
  std::array<int, kChainLength> task_ids{};  // into PlaytableTasks(), in execution order
};

// CALVIN's chains for `count` (its benchmark uses 1000). Deterministic; a
// prefix of GenerateChains(n) is not GenerateChains(m < n), since the split
// over start states and the final shuffle both depend on `count`.
//
// Cost: for count = 1000 the rejection loop walks ~7 million candidates
// (~3e8 random draws; about 2 s on one core of a 2.8 GHz Xeon VM), and
// numpy's stream leaves no shortcut: where each candidate starts depends on
// every rejected draw before it. Start states are independent streams, so
// they are spread over `threads` threads (0 = one per hardware thread); the
// result does not depend on the number.
std::vector<EvaluationChain> GenerateChains(int count, int threads = 0);

// Whether `chain` is one CALVIN would accept from its start state: every
// task matches exactly one rule in turn and no two share a category.
bool IsValidChain(const EvaluationChain& chain);

// One line per chain, e.g.
// "1 1 left open slider_left table slider_right 0: rotate_blue_block_right ..."
// (the start state's values in CALVIN's key order, then the task names).
std::string ChainsText(const std::vector<EvaluationChain>& chains);
// 16 hex digits of FNV-1a 64 over ChainsText: what a suite pins.
std::string ChainsChecksum(const std::vector<EvaluationChain>& chains);

}  // namespace gauntlet::envs::playtable
