// The scripted expert of every family that has one, registered beside the
// family under the family's name (policies/ never includes envs/: the name
// is the only thing the two share). `--policy oracle` runs the expert of
// the suite's family.
#pragma once

#include "harness/family_registry.h"

namespace gauntlet::policies {

// Idempotent: experts already registered are skipped.
void RegisterExperts(FamilyRegistry& registry);

}  // namespace gauntlet::policies
