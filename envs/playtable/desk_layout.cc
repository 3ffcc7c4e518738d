#include "envs/playtable/desk_layout.h"

#include "harness/text_join.h"

namespace gauntlet::envs::playtable {

namespace {

// CALVIN's three block sizes (URDF 0.05 cube, 0.07 and 0.10 long) in metres.
constexpr std::array<double, 3> kSmall = {0.04, 0.04, 0.04};
constexpr std::array<double, 3> kMiddle = {0.056, 0.04, 0.04};
constexpr std::array<double, 3> kBig = {0.08, 0.04, 0.04};

DeskLayout Layout(std::string name, double button, double sw, double slider, double drawer, double plank,
                  double slider_urdf_range, std::array<std::array<double, 3>, kBlockCount> blocks,
                  std::array<double, 3> rgb, double bulb_y_urdf = 0.165) {
  DeskLayout d;
  d.name = std::move(name);
  d.button_x = button * kUrdfScale;
  d.switch_x = sw * kUrdfScale;
  d.slider_x = slider * kUrdfScale;
  d.drawer_x = drawer * kUrdfScale;
  d.plank_x = plank * kUrdfScale;
  d.slider_range = slider_urdf_range * kUrdfScale;
  d.bulb_y = bulb_y_urdf * kUrdfScale;
  d.block_size = blocks;
  d.desk_rgb = rgb;
  return d;
}

}  // namespace

const std::vector<DeskLayout>& DeskLayouts() {
  // x origins in URDF units per scene (button, switch, door, drawer, plank),
  // the door's URDF travel, block sizes (red, blue, pink) and desk colour.
  static const std::vector<DeskLayout> layouts = {
      Layout("A", -0.35, 0.375, -0.125, 0.125, -0.125, 0.35, {kMiddle, kBig, kSmall}, {0.47, 0.27, 0.18}),
      Layout("B", 0.35, -0.40, 0.11, 0.225, 0.10, 0.38, {kSmall, kBig, kMiddle}, {0.96, 0.77, 0.55}, 0.17),
      Layout("C", -0.15, -0.40, 0.075, 0.125, 0.10, 0.30, {kBig, kSmall, kMiddle}, {0.62, 0.42, 0.25}),
      Layout("D", -0.15, 0.375, -0.125, 0.225, -0.125, 0.35, {kMiddle, kSmall, kBig}, {0.61, 0.46, 0.31}),
  };
  return layouts;
}

Result<const DeskLayout*> FindDeskLayout(const std::string& name) {
  std::vector<std::string> known;
  for (const DeskLayout& d : DeskLayouts()) {
    if (d.name == name) return &d;
    known.push_back(d.name);
  }
  return Error{"unknown play-table scene '" + name + "' (known: " + JoinText(known, ", ") + ")"};
}

}  // namespace gauntlet::envs::playtable
