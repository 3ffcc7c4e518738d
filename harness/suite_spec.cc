#include "harness/suite_spec.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "harness/close_matches.h"
#include "harness/family_registry.h"
#include "harness/text_join.h"

namespace gauntlet {

namespace {

std::string At(const std::string& path, const YAML::Node& node) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ": ";
}

Status CheckKeys(const std::string& path, const YAML::Node& map, const std::set<std::string>& allowed,
                 const std::string& where) {
  if (!map.IsMap()) return Error{At(path, map) + where + " must be a mapping"};
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      const std::string list = JoinText({allowed.begin(), allowed.end()}, ", ");
      return Error{At(path, kv.first) + "unknown key '" + key + "' in " + where + " (allowed: " + list + ")"};
    }
  }
  return Status::Ok();
}

template <class T>
Result<T> Get(const std::string& path, const YAML::Node& map, const std::string& key, bool required,
              T fallback) {
  const YAML::Node node = map[key];
  if (!node) {
    if (required) return Error{At(path, map) + "missing required key '" + key + "'"};
    return fallback;
  }
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    return Error{At(path, node) + "'" + key + "' has the wrong type"};
  }
}

Result<YAML::Node> ReadYaml(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    // The suites beside it, the close ones first: a typo's fix.
    const std::filesystem::path file(path);
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
    std::vector<std::string> suites;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      if (entry.path().extension() == ".yaml") suites.push_back(entry.path().stem().string());
    }
    std::sort(suites.begin(), suites.end());
    if (suites.empty()) return Error{path + ": cannot open suite file"};
    return Error{path + ": cannot open suite file; " + KnownNames(file.stem().string(), suites) + " (in " +
                 folder.string() + ")"};
  } catch (const YAML::ParserException& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg};
  }
}

// A set's `perturbations:` list: each entry a grid with a known dimension
// and levels within its range.
Result<std::vector<PerturbationGrid>> ParseGrids(const std::string& path, const YAML::Node& root) {
  std::vector<PerturbationGrid> grids;
  const YAML::Node list = root["perturbations"];
  if (!list) return grids;
  if (!list.IsSequence()) return Error{At(path, list) + "'perturbations' must be a list of grids"};
  for (const YAML::Node& g : list) {
    if (auto s = CheckKeys(path, g, {"dimension", "levels", "variants_per_level", "tasks", "init_states", "chains"},
                           "a perturbation grid");
        !s.ok()) {
      return Error{s.message()};
    }
    PerturbationGrid grid;
    grid.where = path + ":" + std::to_string(g.Mark().line + 1);
    auto dim = Get<std::string>(path, g, "dimension", true, "");
    if (!dim.ok()) return dim.error();
    grid.dimension = dim.value();
    const auto& dims = PerturbationDimensions();
    if (std::find(dims.begin(), dims.end(), grid.dimension) == dims.end()) {
      std::string list_text;
      for (const auto& d : dims) list_text += (list_text.empty() ? "" : ", ") + d;
      return Error{At(path, g["dimension"]) + "unknown perturbation dimension '" + grid.dimension + "' (known: " +
                   list_text + ")"};
    }
    const int max_level = MaxLevel(grid.dimension);
    std::vector<int> all_levels;
    for (int l = 1; l <= max_level; ++l) all_levels.push_back(l);
    auto levels = Get<std::vector<int>>(path, g, "levels", false, all_levels);
    if (!levels.ok()) return levels.error();
    for (int l : levels.value()) {
      if (l < 1 || l > max_level) {
        return Error{At(path, g["levels"]) + "level " + std::to_string(l) + " is outside 1.." +
                     std::to_string(max_level) + " for " + grid.dimension};
      }
    }
    grid.levels = levels.value();
    auto per_level = Get<int>(path, g, "variants_per_level", false, 1);
    if (!per_level.ok()) return per_level.error();
    if (per_level.value() < 1) return Error{At(path, g["variants_per_level"]) + "variants_per_level must be >= 1"};
    grid.variants_per_level = per_level.value();
    if (const YAML::Node t = g["tasks"]) {
      if (t.IsSequence()) {
        for (const auto& item : t) grid.tasks += (grid.tasks.empty() ? "" : ",") + item.as<std::string>();
      } else if (t.as<std::string>() != "all") {
        grid.tasks = t.as<std::string>();
      }
    }
    if (const YAML::Node c = g["chains"]) {  // checked against the suite's chains when the grid is expanded
      if (c.IsSequence()) {
        for (const auto& item : c) grid.chains += (grid.chains.empty() ? "" : ",") + item.as<std::string>();
      } else if (c.as<std::string>() != "all") {
        grid.chains = c.as<std::string>();
      }
    }
    auto inits = Get<std::vector<int>>(path, g, "init_states", false, {0});
    if (!inits.ok()) return inits.error();
    for (int i : inits.value()) {
      if (i < 0) return Error{At(path, g["init_states"]) + "initial states are indices >= 0"};
    }
    grid.init_states = inits.value();
    grids.push_back(std::move(grid));
  }
  return grids;
}

// `chains: {generator: <name>, count: N}`: the suite's family generates them
// (CALVIN's evaluation chains are an algorithm, not a list to ship).
Result<std::vector<ChainSpec>> GenerateSuiteChains(const std::string& path, const YAML::Node& node,
                                                   const SuiteSpec& suite) {
  if (auto s = CheckKeys(path, node, {"generator", "count"}, "chains"); !s.ok()) return Error{s.message()};
  auto generator = Get<std::string>(path, node, "generator", true, "");
  if (!generator.ok()) return generator.error();
  auto count = Get<int>(path, node, "count", true, 0);
  if (!count.ok()) return count.error();
  if (count.value() <= 0) return Error{At(path, node["count"]) + "chains: count must be > 0"};
  auto family = Families().Find(suite.family);
  if (!family.ok()) return Error{At(path, node) + family.error().message};
  auto chains = family.value()->GenerateChains(suite, generator.value(), count.value());
  if (!chains.ok()) return Error{At(path, node) + chains.error().message};
  return chains;
}

// `chains:` a list of {name, subtasks: [task names], init_state}; every
// subtask must be a task of the suite. A mapping asks the family to generate them.
Result<std::vector<ChainSpec>> ParseChains(const std::string& path, const YAML::Node& list, const SuiteSpec& suite) {
  if (list.IsMap()) return GenerateSuiteChains(path, list, suite);
  if (!list.IsSequence() || list.size() == 0) return Error{At(path, list) + "'chains' must be a non-empty list"};
  std::vector<ChainSpec> chains;
  std::set<std::string> names;
  for (const YAML::Node& c : list) {
    if (auto s = CheckKeys(path, c, {"name", "subtasks", "init_state"}, "a chain"); !s.ok()) return Error{s.message()};
    ChainSpec chain;
    auto name = Get<std::string>(path, c, "name", true, "");
    if (!name.ok()) return name.error();
    chain.name = name.value();
    if (!names.insert(chain.name).second) return Error{At(path, c) + "chain '" + chain.name + "' is listed twice"};
    auto init = Get<int>(path, c, "init_state", false, 0);
    if (!init.ok()) return init.error();
    if (init.value() < 0) return Error{At(path, c["init_state"]) + "init_state is an index >= 0"};
    chain.init_state = init.value();
    auto subtasks = Get<std::vector<std::string>>(path, c, "subtasks", true, {});
    if (!subtasks.ok()) return subtasks.error();
    if (subtasks.value().empty()) return Error{At(path, c["subtasks"]) + "a chain needs at least one subtask"};
    for (const std::string& task : subtasks.value()) {
      auto it = std::find_if(suite.tasks.begin(), suite.tasks.end(), [&](const TaskSpec& t) { return t.name == task; });
      if (it == suite.tasks.end()) {
        return Error{At(path, c["subtasks"]) + "subtask '" + task + "' is not a task of suite " + suite.name};
      }
      chain.subtasks.push_back(it->index);
    }
    chains.push_back(std::move(chain));
  }
  return chains;
}

}  // namespace

Result<SuiteSpec> LoadSuite(const std::string& path) {
  auto read = ReadYaml(path);
  if (!read.ok()) return read.error();
  const YAML::Node root = read.value();
  if (auto s = CheckKeys(path, root, {"name", "version", "family", "embodiment", "init_state_seed", "protocol",
                                      "observation", "world", "tasks", "chains"}, "the suite");
      !s.ok()) {
    return Error{s.message()};
  }
  SuiteSpec suite;
  suite.path = std::filesystem::absolute(path).string();
  const auto dir = std::filesystem::absolute(path).parent_path();
#define GAUNTLET_GET(var, node, key, type, required, fallback)            \
  {                                                                       \
    auto r = Get<type>(path, node, key, required, fallback);              \
    if (!r.ok()) return r.error();                                        \
    var = r.value();                                                      \
  }
  GAUNTLET_GET(suite.name, root, "name", std::string, true, "");
  GAUNTLET_GET(suite.version, root, "version", int, true, 1);
  GAUNTLET_GET(suite.family, root, "family", std::string, true, "");
  GAUNTLET_GET(suite.embodiment, root, "embodiment", std::string, false, "");
  if (root["embodiment"] && suite.embodiment.empty()) {
    return Error{At(path, root["embodiment"]) + "'embodiment' names a robot of the family; leave it out for the default"};
  }
  GAUNTLET_GET(suite.init_state_seed, root, "init_state_seed", std::uint64_t, true, 0);
  if (const YAML::Node p = root["protocol"]) {
    if (auto s = CheckKeys(path, p, {"settle_steps", "max_steps", "trials"}, "protocol"); !s.ok()) {
      return Error{s.message()};
    }
    GAUNTLET_GET(suite.protocol.settle_steps, p, "settle_steps", int, false, 10);
    GAUNTLET_GET(suite.protocol.max_steps, p, "max_steps", int, true, 0);
    GAUNTLET_GET(suite.protocol.trials, p, "trials", int, false, 50);
    if (suite.protocol.max_steps <= 0 || suite.protocol.trials <= 0 || suite.protocol.settle_steps < 0) {
      return Error{At(path, p) + "protocol needs max_steps > 0, trials > 0, settle_steps >= 0"};
    }
  } else {
    return Error{At(path, root) + "missing required key 'protocol'"};
  }
  if (const YAML::Node o = root["observation"]) {
    if (auto s = CheckKeys(path, o, {"cameras", "image_size", "camera_sizes"}, "observation"); !s.ok()) {
      return Error{s.message()};
    }
    GAUNTLET_GET(suite.cameras, o, "cameras", std::vector<std::string>, false, {});
    std::vector<int> size{128, 128};
    GAUNTLET_GET(size, o, "image_size", std::vector<int>, false, size);
    if (size.size() != 2 || size[0] <= 0 || size[1] <= 0) {
      return Error{At(path, o["image_size"]) + "image_size must be [width, height]"};
    }
    suite.image_width = size[0];
    suite.image_height = size[1];
    if (const YAML::Node sizes = o["camera_sizes"]) {
      if (!sizes.IsMap()) return Error{At(path, sizes) + "camera_sizes must map camera names to [width, height]"};
      for (const auto& kv : sizes) {
        const std::string camera = kv.first.as<std::string>();
        std::vector<int> own;
        try {
          own = kv.second.as<std::vector<int>>();
        } catch (const YAML::Exception&) {
          own.clear();
        }
        if (own.size() != 2 || own[0] <= 0 || own[1] <= 0) {
          return Error{At(path, kv.second) + "camera_sizes." + camera + " must be [width, height] in pixels"};
        }
        suite.camera_sizes[camera] = ImageSize{own[0], own[1]};
      }
    }
  }
  if (const YAML::Node w = root["world"]) {
    if (!w.IsMap()) return Error{At(path, w) + "'world' must be a mapping of the family's settings"};
    for (const auto& kv : w) {
      if (!kv.second.IsScalar()) return Error{At(path, kv.second) + "world settings are single values"};
      suite.world[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  const YAML::Node tasks = root["tasks"];
  if (!tasks || !tasks.IsSequence() || tasks.size() == 0) {
    return Error{At(path, root) + "'tasks' must be a non-empty list"};
  }
  std::set<std::string> names;
  for (const YAML::Node& t : tasks) {
    if (auto s = CheckKeys(path, t, {"name", "file", "instruction", "init_states", "max_steps"}, "a task"); !s.ok()) {
      return Error{s.message()};
    }
    TaskSpec task;
    task.index = static_cast<int>(suite.tasks.size());
    std::string file, init;
    GAUNTLET_GET(task.name, t, "name", std::string, true, "");
    // Families whose tasks are rules in code (the play table's) have no
    // task files and derive their start scenes; the family checks.
    GAUNTLET_GET(file, t, "file", std::string, false, "");
    GAUNTLET_GET(task.instruction, t, "instruction", std::string, true, "");
    GAUNTLET_GET(init, t, "init_states", std::string, false, "");
    // Benchmarks with a step limit per task (RoboTwin's) give it here.
    GAUNTLET_GET(task.max_steps, t, "max_steps", int, false, 0);
    if (t["max_steps"] && task.max_steps <= 0) {
      return Error{At(path, t["max_steps"]) + "a task's max_steps must be > 0 (leave it out for the protocol's)"};
    }
    if (!names.insert(task.name).second) {
      return Error{At(path, t) + "task '" + task.name + "' is listed twice"};
    }
    if (!file.empty()) task.file = (dir / file).lexically_normal().string();
    if (!init.empty()) task.init_states = (dir / init).lexically_normal().string();
    if (!task.file.empty() && !std::filesystem::exists(task.file)) {
      return Error{At(path, t["file"]) + "task file not found: " + task.file};
    }
    suite.tasks.push_back(task);
  }
#undef GAUNTLET_GET
  if (const YAML::Node chains = root["chains"]) {
    auto parsed = ParseChains(path, chains, suite);
    if (!parsed.ok()) return parsed.error();
    suite.chains = std::move(parsed).value();
  }
  return suite;
}

Result<SuiteSet> LoadSuiteSet(const std::string& path) {
  auto read = ReadYaml(path);
  if (!read.ok()) return read.error();
  const YAML::Node root = read.value();
  SuiteSet set;
  set.path = std::filesystem::absolute(path).string();
  if (!root.IsMap() || !root["suites"]) {
    auto suite = LoadSuite(path);
    if (!suite.ok()) return suite.error();
    set.name = suite.value().name;
    set.suites.push_back(std::move(suite).value());
    return set;
  }
  if (auto s = CheckKeys(path, root, {"name", "suites", "perturbations", "baseline", "language_mode", "language_pools"},
                         "a suite set");
      !s.ok()) {
    return Error{s.message()};
  }
  auto name = Get<std::string>(path, root, "name", true, "");
  if (!name.ok()) return name.error();
  set.name = name.value();
  auto grids = ParseGrids(path, root);
  if (!grids.ok()) return grids.error();
  auto baseline = Get<bool>(path, root, "baseline", false, false);
  if (!baseline.ok()) return baseline.error();
  auto mode = Get<std::string>(path, root, "language_mode", false, "clean");
  if (!mode.ok()) return mode.error();
  if (mode.value() != "clean" && mode.value() != "faithful") {
    return Error{At(path, root["language_mode"]) + "language_mode must be clean or faithful"};
  }
  auto pools = Get<std::string>(path, root, "language_pools", false, "");
  if (!pools.ok()) return pools.error();
  bool needs_pool = false;
  for (const auto& g : grids.value()) needs_pool |= g.dimension == "language";
  if (needs_pool && pools.value().empty()) {
    return Error{At(path, root) + "a language grid needs 'language_pools' (a folder of <suite>.yaml instruction variants)"};
  }
  const YAML::Node members = root["suites"];
  if (!members.IsSequence() || members.size() == 0) {
    return Error{At(path, members) + "'suites' must be a non-empty list of suite files"};
  }
  const auto dir = std::filesystem::absolute(path).parent_path();
  std::set<std::string> names;
  for (const YAML::Node& m : members) {
    if (!m.IsScalar()) return Error{At(path, m) + "each entry of 'suites' is a suite file name"};
    const std::string file = (dir / m.as<std::string>()).lexically_normal().string();
    if (!std::filesystem::exists(file)) return Error{At(path, m) + "suite file not found: " + file};
    auto suite = LoadSuite(file);
    if (!suite.ok()) return suite.error();
    if (!names.insert(suite.value().name).second) {
      return Error{At(path, m) + "suite '" + suite.value().name + "' is listed twice"};
    }
    if (!grids.value().empty()) {
      SuiteSpec& s = suite.value();
      s.set_name = set.name;
      s.perturbations = grids.value();
      s.perturbation_baseline = baseline.value();
      s.language_mode = mode.value() == "faithful" ? LanguageMode::kFaithful : LanguageMode::kClean;
      if (needs_pool) {
        s.language_pool = (dir / pools.value() / (s.name + ".yaml")).lexically_normal().string();
        if (!std::filesystem::exists(s.language_pool)) {
          return Error{At(path, root["language_pools"]) + "no instruction variants for suite '" + s.name +
                       "': " + s.language_pool + " not found"};
        }
      }
      for (const auto& g : s.perturbations) {
        if (auto t = s.SelectTasks(g.tasks); !t.ok()) return Error{path + ": perturbation grid '" + g.dimension + "': " + t.error().message};
        for (int i : g.init_states) {
          if (i >= s.protocol.trials) {
            return Error{path + ": perturbation grid '" + g.dimension + "': initial state " + std::to_string(i) +
                         " does not exist in suite " + s.name + " (it has " + std::to_string(s.protocol.trials) + ")"};
          }
        }
      }
    }
    set.suites.push_back(std::move(suite).value());
  }
  return set;
}

Result<std::vector<int>> SuiteSpec::SelectTasks(const std::string& selection) const {
  std::vector<int> out;
  if (selection.empty()) {
    for (const auto& t : tasks) out.push_back(t.index);
    return out;
  }
  std::stringstream in(selection);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    bool numeric = item.find_first_not_of("0123456789") == std::string::npos;
    int found = -1;
    for (const auto& t : tasks) {
      if ((numeric && t.index == std::stoi(item)) || (!numeric && t.name == item)) found = t.index;
    }
    if (found < 0) {
      std::vector<std::string> names;
      for (const auto& t : tasks) names.push_back(t.name);
      return Error{"--tasks: '" + item + "' is not a task of suite " + name + " (use 0-" +
                   std::to_string(tasks.size() - 1) + " or a task name; " + KnownNames(item, names) + ")"};
    }
    out.push_back(found);
  }
  return out;
}

}  // namespace gauntlet
