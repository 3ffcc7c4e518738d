// Perturbations as data: a dimension, a level and the parameters they resolve
// to. Suite sets list grids of them; gauntlet expands each grid into variants
// with stable ids ("camera-L3-2"), and a variant's parameters depend on its id
// alone, so the same id is the same shift in every task, run and machine.
// Families apply them (envs/); the harness only carries them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gauntlet {

// The seven dimensions, as suite files, the CLI and perturbations.dimension
// name them: camera, robot_init, language, light, background, noise, layout.
const std::vector<std::string>& PerturbationDimensions();
// Levels a dimension takes: 1..10 for noise (severities), 1..4 for language
// (paraphrase, reorder, context, distractor), 1..5 otherwise.
int MaxLevel(const std::string& dimension);

struct Perturbation {
  std::string dimension;
  int level = 0;
  nlohmann::json params = nlohmann::json::object();  // resolved, recorded
};

// Whether a family builds a world of its own for this perturbation (layout:
// other objects or placements) instead of adjusting its task's world.
bool ChangesWorld(const Perturbation& p);

// One line of a suite set's `perturbations:` list. A chain suite's grid
// selects chains (each starts from its own state) instead of tasks and
// initial states.
struct PerturbationGrid {
  std::string dimension;
  std::vector<int> levels;        // default: every level of the dimension
  int variants_per_level = 1;     // distinct seeded variants at each level
  std::string tasks;              // "" = every task; else indices or names as --tasks takes them
  std::vector<int> init_states{0};
  std::string chains;             // "" = every chain; else indices or ranges as --chains takes them
  std::string where;              // "file:line" of the grid, for errors found when it is expanded
};

// "camera-L3-2": dimension, level, index within the level.
std::string VariantId(const std::string& dimension, int level, int index);

}  // namespace gauntlet
