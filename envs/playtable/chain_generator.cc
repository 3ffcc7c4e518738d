#include "envs/playtable/chain_generator.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <thread>

#include "envs/playtable/numpy_legacy_random.h"
#include "harness/check.h"
#include "harness/hashing.h"

namespace gauntlet::envs::playtable {

namespace {

// CALVIN's check_sequence over the first kChainLength of `task_ids`. It runs
// for every candidate of the rejection loop, so it allocates nothing.
bool IsValidTaskSequence(SymbolicState state, const int* task_ids) {
  const std::vector<PlaytableTask>& tasks = PlaytableTasks();
  unsigned categories_seen = 0;
  for (int i = 0; i < kChainLength; ++i) {
    const unsigned category_bit = 1u << tasks[static_cast<std::size_t>(task_ids[i])].category;
    if (categories_seen & category_bit) return false;
    categories_seen |= category_bit;
    std::optional<SymbolicState> next = ApplyTask(state, task_ids[i]);
    if (!next) return false;
    state = *next;
  }
  return true;
}

// CALVIN's get_sequences_for_state2: the first `wanted` accepted candidates
// of start state `index`'s own stream.
std::vector<EvaluationChain> ChainsForStartState(int index, int wanted) {
  const SymbolicState& start = StartStates()[static_cast<std::size_t>(index)];
  NumpyLegacyRandom rng(static_cast<std::uint32_t>(index));
  std::vector<int> order(PlaytableTasks().size());
  std::vector<EvaluationChain> chains;
  while (static_cast<int>(chains.size()) < wanted) {
    // choice(tasks, 5, replace=False) = permutation(34)[:5], shuffled in a
    // reused buffer: this loop runs for every rejected candidate too.
    std::iota(order.begin(), order.end(), 0);
    rng.Shuffle(order.begin(), order.end());
    if (!IsValidTaskSequence(start, order.data())) continue;
    EvaluationChain chain;
    chain.start_state_index = index;
    chain.start_state = start;
    std::copy(order.begin(), order.begin() + kChainLength, chain.task_ids.begin());
    chains.push_back(chain);
  }
  return chains;
}

}  // namespace

bool IsValidChain(const EvaluationChain& chain) { return IsValidTaskSequence(chain.start_state, chain.task_ids.data()); }

std::vector<EvaluationChain> GenerateChains(int count, int threads) {
  GAUNTLET_CHECK(count >= 0, "negative chain count " + std::to_string(count));
  const int state_count = static_cast<int>(StartStates().size());
  // np.array_split: the first count % states get one chain more.
  const auto wanted = [&](int state) { return count / state_count + (state < count % state_count ? 1 : 0); };

  // Each state's stream is seeded with its index, so states may be generated
  // in any order; collecting them by index keeps the result the same for any
  // number of threads.
  std::vector<std::vector<EvaluationChain>> per_state(static_cast<std::size_t>(state_count));
  std::atomic<int> next_state{0};
  const auto work = [&] {
    for (int s = next_state++; s < state_count; s = next_state++) {
      per_state[static_cast<std::size_t>(s)] = ChainsForStartState(s, wanted(s));
    }
  };
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> helpers;
  for (int t = 1; t < std::min(threads, state_count); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();

  std::vector<EvaluationChain> chains;
  chains.reserve(static_cast<std::size_t>(count));
  for (const std::vector<EvaluationChain>& state_chains : per_state) {
    chains.insert(chains.end(), state_chains.begin(), state_chains.end());
  }
  NumpyLegacyRandom shuffle_rng(0);
  shuffle_rng.Shuffle(chains.begin(), chains.end());
  return chains;
}

std::string ChainsText(const std::vector<EvaluationChain>& chains) {
  const std::vector<PlaytableTask>& tasks = PlaytableTasks();
  std::string text;
  for (const EvaluationChain& chain : chains) {
    const SymbolicState& s = chain.start_state;
    text += std::to_string(s.led) + " " + std::to_string(s.lightbulb) + " " + SliderSideName(s.slider) + " " +
            DrawerStateName(s.drawer);
    for (BlockPlace place : s.blocks) text += std::string(" ") + BlockPlaceName(place);
    text += " " + std::to_string(s.grasped) + ":";
    for (int id : chain.task_ids) text += " " + tasks[static_cast<std::size_t>(id)].name;
    text += "\n";
  }
  return text;
}

std::string ChainsChecksum(const std::vector<EvaluationChain>& chains) { return Hex16(Fnv1a64(ChainsText(chains))); }

}  // namespace gauntlet::envs::playtable
