// CALVIN-style chain runs in a real results file, for the chain tables and
// the summary: each chain's configuration (as `gauntlet run` stores it in
// the run config's "chains") and its subtask rows as the episode runner
// writes them, positions in order up to the first failure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tests/reports/results_file.h"

namespace gauntlet::testing {

struct PlayedChain {
  std::string name;
  std::vector<std::string> subtasks;  // the planned chain
  int length = 0;                     // subtasks done in a row; a shorter chain fails the next
  bool error = false;                 // ended (an error) before any subtask row
};

// Writes run `run` of policy gr1 on suite "calvin" playing `chains`, chain i
// from initial state i.
inline void WriteChainRun(ResultsFile& file, const std::string& run, const std::vector<PlayedChain>& chains) {
  nlohmann::json config_chains = nlohmann::json::array();
  for (size_t i = 0; i < chains.size(); ++i) {
    config_chains.push_back({{"name", chains[i].name}, {"init_state", i}, {"subtasks", chains[i].subtasks}});
  }
  const auto handle = file.Begin(run, "calvin", ResultsFile::Policy("gr1"), {{"chains", config_chains}});
  std::vector<EpisodeOutcome> outcomes;
  std::vector<std::pair<EpisodeKey, Event>> events;
  for (size_t i = 0; i < chains.size(); ++i) {
    const PlayedChain& c = chains[i];
    const bool complete = c.length == static_cast<int>(c.subtasks.size());
    outcomes.push_back(ResultsFile::Outcome("calvin", c.name, static_cast<int>(i), complete));
    if (c.error) {
      outcomes.back().status = EpisodeStatus::kError;
      continue;
    }
    for (int position = 0; position <= c.length && position < static_cast<int>(c.subtasks.size()); ++position) {
      const std::string& task = c.subtasks[position];
      events.push_back({outcomes.back().key,
                        SubtaskResult{position, task, "do " + task, position < c.length, 360, 360 * position}});
    }
  }
  file.Write(handle, outcomes);
  file.Write(handle, events);
}

// Six chains of five subtasks breaking at different positions (lengths 5, 2,
// 0, 3, 4) and one that ended in an error before its first subtask row.
// By hand: completed in a row 1..5 = 4, 4, 3, 2, 1 of 6; Avg. Len. = 14 / 6.
// Per task (successes / successes + chain-breaking failures):
//   open_drawer 4/4, turn_on_led 2/3, move_slider_left 2/2,
//   move_slider_right 1/2, turn_on_lightbulb 0/1, rotate_red_block_right 0/1,
//   lift_red_block_table, place_in_drawer, lift_pink_block_table,
//   place_in_slider, turn_off_led 1/1 each; close_drawer (only planned after
//   a break, or in the errored chain) not at all.
inline std::vector<PlayedChain> MixedChains() {
  return {
      {"c0", {"open_drawer", "lift_red_block_table", "place_in_drawer", "turn_on_led", "move_slider_left"}, 5},
      {"c1", {"move_slider_right", "open_drawer", "turn_on_lightbulb", "lift_blue_block_table", "stack_block"}, 2},
      {"c2", {"turn_on_led", "open_drawer", "push_red_block_left", "move_slider_left", "close_drawer"}, 0},
      {"c3", {"open_drawer", "move_slider_left", "turn_on_led", "rotate_red_block_right", "close_drawer"}, 3},
      {"c4", {"lift_pink_block_table", "place_in_slider", "open_drawer", "turn_off_led", "move_slider_right"}, 4},
      {"c5", {"close_drawer", "turn_on_led", "open_drawer", "lift_red_block_drawer", "place_in_slider"}, 0, true},
  };
}

}  // namespace gauntlet::testing
