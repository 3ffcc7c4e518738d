// What a run records about where it ran, so that a result can be reproduced
// and two results can tell whether they are comparable.
#pragma once

#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet {

std::string GitDescription();   // "<sha>" or "<sha>-dirty"; "unknown" outside a checkout
std::string HostName();
std::string CpuFlags();         // model name and the SIMD flags that change MuJoCo's arithmetic
std::string UtcNow();           // ISO 8601
// Hex FNV-1a digest of files' bytes (suite, task and initial-state files).
std::string HashFiles(const std::vector<std::string>& paths);
// Hex SHA-256 of a file (checkpoints): the digest users compare with theirs.
Result<std::string> Sha256File(const std::string& path);

}  // namespace gauntlet
