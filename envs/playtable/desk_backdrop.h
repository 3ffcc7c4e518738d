// The `background` perturbation on the play table: the desk's colour and the
// floor's tint. The sampler's parameters are the tabletop's (texture 0..19,
// four per level in order of contrast; wall 0..5); here the texture's level
// (texture / 4) sets how far the desk's wood moves toward one of four far
// colours (texture % 4): 20% at level 1 .. the colour itself at level 5, and
// the wall style picks one of six floor tints. Only colours change (geom and
// material rgba): never a contact, a mass or a size.
//
// Thread-safety: immutable after construction; the model passed in belongs to
// the calling worker.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <optional>
#include <vector>

#include "envs/playtable/desk_layout.h"
#include "harness/perturbation.h"
#include "harness/result.h"

namespace gauntlet::envs::playtable {

class DeskBackdrop {
 public:
  // Finds the desk's wooden geoms (those coloured layout.desk_rgb) and the
  // floor's material in the freshly compiled model.
  DeskBackdrop(const mjModel* m, const DeskLayout& layout);

  // Restores the default colours, then applies `p` if it is a background
  // variant.
  Status Apply(mjModel* m, const std::optional<Perturbation>& p) const;

 private:
  std::vector<int> wood_;               // geom ids
  std::array<float, 4> wood_rgba_{};
  int floor_material_ = -1;
  std::array<float, 4> floor_rgba_{};
};

}  // namespace gauntlet::envs::playtable
