#include "harness/perturbation.h"

namespace gauntlet {

const std::vector<std::string>& PerturbationDimensions() {
  static const std::vector<std::string> dims = {"camera", "robot_init", "language", "light",
                                                "background", "noise", "layout"};
  return dims;
}

int MaxLevel(const std::string& dimension) {
  if (dimension == "noise") return 10;
  if (dimension == "language") return 4;
  return 5;
}

bool ChangesWorld(const Perturbation& p) { return p.dimension == "layout"; }

std::string VariantId(const std::string& dimension, int level, int index) {
  return dimension + "-L" + std::to_string(level) + "-" + std::to_string(index);
}

}  // namespace gauntlet
