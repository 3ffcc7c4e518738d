// Every task family of envs/, registered into a registry. A new family adds
// one line to registered_families.cc; nothing above envs/ names families.
#pragma once

#include "harness/family_registry.h"

namespace gauntlet::envs {

// Idempotent: families already in `registry` are skipped.
void RegisterFamilies(FamilyRegistry& registry);

}  // namespace gauntlet::envs
