// Suite files: declarative YAML describing a suite's tasks and protocol.
// Pure data; unknown keys are errors, so a typo never becomes a silent default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/observation.h"
#include "harness/perturbation.h"
#include "harness/result.h"

namespace gauntlet {

struct TaskSpec {
  int index = 0;             // position in the suite (LIBERO task id)
  std::string name;
  std::string file;          // task definition, absolute path ("" if the family has none)
  std::string instruction;   // what the policy is told
  std::string init_states;   // fixed initial states, absolute path ("" if derived)
  int max_steps = 0;         // policy steps of its episodes; 0 = the protocol's max_steps
};

struct ProtocolSpec {
  int settle_steps = 10;   // no-op steps before the policy is queried
  int max_steps = 220;     // policy steps after settling (a chain: per subtask)
  int trials = 50;         // episodes per task; trial i starts from initial state i
};

// An instruction chain: the subtasks one episode runs in a row in one world,
// stopping at the first that fails (CALVIN's long-horizon protocol). The
// world is the first subtask's; `init_state` indexes its initial states.
struct ChainSpec {
  std::string name;            // the episode key's task ("chain0042")
  std::vector<int> subtasks;   // task indices, in order (at least one)
  int init_state = 0;
};

// How a perturbed run tells the policy what to do for non-language variants:
// `clean` gives the task's instruction; `faithful` appends the variant's name
// as words, as LIBERO-Plus's prompts do (its published numbers carry them).
enum class LanguageMode { kClean, kFaithful };

struct SuiteSpec {
  std::string name;
  // Set when the suite runs as a member of a perturbation set (libero_plus):
  std::string set_name;                          // the set's name, "" otherwise
  std::vector<PerturbationGrid> perturbations;   // expanded per task
  bool perturbation_baseline = false;            // also run the unperturbed episodes
  LanguageMode language_mode = LanguageMode::kClean;
  std::string language_pool;                     // instruction variants file for this suite
  int version = 1;             // bump when a change alters results
  std::string family;          // a registered family's name (harness/family_registry.h)
  // The robot every run of the suite uses ("" = the family's default, or
  // --embodiment); a run asking for another is refused (MergeVLA's settings
  // pair each suite with one embodiment).
  std::string embodiment;
  std::string path;            // the YAML file
  std::uint64_t init_state_seed = 0;
  ProtocolSpec protocol;
  std::vector<std::string> cameras;
  int image_width = 128, image_height = 128;
  // Cameras rendered at a size of their own (CALVIN's 84x84 gripper camera
  // beside the 200x200 static one); a run's --image-size overrides all.
  std::map<std::string, ImageSize> camera_sizes;
  // `world:` settings the family reads (the play table's desk scene); the
  // family rejects keys it does not know.
  std::map<std::string, std::string> world;
  std::vector<TaskSpec> tasks;
  std::vector<ChainSpec> chains;  // non-empty: every episode is one of these chains

  // Resolves "0,3" (indices) or "name_a,name_b" (names); empty = all tasks.
  Result<std::vector<int>> SelectTasks(const std::string& selection) const;
};

// Errors name the file and line ("suites/x.yaml:12: unknown key 'max_step'").
// A suite whose chains are generated (`chains: {generator, count}`) needs its
// family registered (harness/family_registry.h) before it loads.
Result<SuiteSpec> LoadSuite(const std::string& path);

// Several suites run by one command (suites/libero.yaml: the four LIBERO
// suites), each with its own protocol. A set file holds `name` and `suites`
// (suite files relative to it); a plain suite file loads as a set of one.
struct SuiteSet {
  std::string name;
  std::string path;
  std::vector<SuiteSpec> suites;
};
Result<SuiteSet> LoadSuiteSet(const std::string& path);

}  // namespace gauntlet
