#include "envs/registered_families.h"

#include "envs/dualarm/dualarm_family.h"
#include "envs/playtable/playtable_family.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/check.h"

namespace gauntlet::envs {

void RegisterFamilies(FamilyRegistry& registry) {
  auto add = [&](const char* name, Status (*register_family)(FamilyRegistry&)) {
    if (registry.Find(name).ok()) return;
    const Status status = register_family(registry);
    GAUNTLET_CHECK(status.ok(), status.message());
  };
  add(tabletop::kFamilyName, tabletop::RegisterFamily);
  add(playtable::kFamilyName, playtable::RegisterFamily);
  add(dualarm::kFamilyName, dualarm::RegisterFamily);
}

}  // namespace gauntlet::envs
