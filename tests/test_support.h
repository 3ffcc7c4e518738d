// Helpers shared by all test binaries.
#pragma once

#include <string>

namespace gauntlet::testing {

// A fresh, empty directory under the system temp dir.
std::string TempDir(const std::string& prefix);
// The repository root (suites/ lives there).
std::string SourceDir();

}  // namespace gauntlet::testing
