// A task definition in LIBERO's BDDL dialect, as parsed (no geometry yet).
// The scene builder turns it into an MJCF model; predicates read its goal.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::envs::tabletop {

struct BddlRegion {
  std::string name;    // as written, e.g. "plate_region"
  std::string target;  // what the region belongs to, e.g. "main_table" or "wooden_cabinet_1"
  std::vector<std::array<double, 4>> ranges;         // (x_min, y_min, x_max, y_max) in the target frame, metres
  std::vector<std::array<double, 2>> yaw_rotations;  // (lo, hi) radians; empty = none given
  int line = 0;
  // LIBERO names the region's site "<target>_<name>", e.g. "main_table_plate_region".
  std::string full_name() const { return target + "_" + name; }
};

struct BddlInstance {
  std::string name;      // e.g. "akita_black_bowl_1"
  std::string category;  // e.g. "akita_black_bowl"
  int line = 0;
};

// One predicate application, e.g. (On akita_black_bowl_1 plate_1).
struct BddlAtom {
  std::string predicate;           // lower-cased: "on", "in", "open", "close", "turnon", ...
  std::vector<std::string> args;
  int line = 0;
};

struct BddlTask {
  std::string source;         // file path or name given to the parser, for messages
  std::string problem_class;  // e.g. "LIBERO_Tabletop_Manipulation"
  std::string language;       // the (:language ...) text
  std::vector<BddlRegion> regions;
  std::vector<BddlInstance> fixtures;
  std::vector<BddlInstance> objects;
  std::vector<std::string> objects_of_interest;
  std::vector<BddlAtom> init;
  std::vector<BddlAtom> goal;  // a conjunction: every atom must hold

  const BddlRegion* FindRegion(const std::string& full_name) const;
  const BddlInstance* FindInstance(const std::string& name) const;  // fixture or object
};

// Parses BDDL text. Errors name `source` and the line, e.g.
// "tasks/x.bddl:12: unbalanced parenthesis".
Result<BddlTask> ParseBddl(const std::string& text, const std::string& source);
Result<BddlTask> LoadBddlFile(const std::string& path);

}  // namespace gauntlet::envs::tabletop
