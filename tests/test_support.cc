// Helpers shared by all test binaries.
#include "tests/test_support.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include "gauntlet_build_paths.h"

namespace gauntlet::testing {

std::string TempDir(const std::string& prefix) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string SourceDir() { return GAUNTLET_SOURCE_DIR; }

}  // namespace gauntlet::testing
