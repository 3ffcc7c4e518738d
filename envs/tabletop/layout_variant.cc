#include "envs/tabletop/layout_variant.h"

#include <cmath>
#include <random>
#include <set>

#include "envs/perturbations/perturbation_sampler.h"

namespace gauntlet::envs::tabletop {

namespace {

std::array<double, 2> Centre(const std::array<double, 4>& r) { return {(r[0] + r[2]) / 2, (r[1] + r[3]) / 2}; }

// Regions whose (On/In object region) atoms place a free object.
std::set<std::string> PlacingRegions(const BddlTask& task) {
  std::set<std::string> out;
  for (const BddlAtom& a : task.init) {
    if ((a.predicate == "on" || a.predicate == "in") && a.args.size() == 2) {
      for (const auto& o : task.objects) {
        if (o.name == a.args[0]) out.insert(a.args[1]);
      }
    }
  }
  return out;
}

}  // namespace

Result<BddlTask> ApplyLayout(const BddlTask& task, const Perturbation& layout, const std::string& surface) {
  BddlTask out = task;
  const nlohmann::json& p = layout.params;
  const std::uint64_t seed = p.value("seed", std::uint64_t{0});
  const std::string mode = p.value("mode", "");
  const std::set<std::string> placing = PlacingRegions(task);
  if (mode == "shift") {
    const double lo = p.value("min_cm", 0.0) / 100.0, hi = p.value("max_cm", 1.0) / 100.0;
    for (BddlRegion& r : out.regions) {
      if (r.target != surface || !placing.count(r.full_name())) continue;
      // Each region its own draw, from the variant's seed and its name.
      std::mt19937_64 rng(seed ^ SeedOf(r.full_name()));
      const double angle = std::uniform_real_distribution<double>(0, 2 * M_PI)(rng);
      double dist = std::uniform_real_distribution<double>(lo, hi)(rng);
      if (dist <= lo) dist = hi;
      for (auto& range : r.ranges) {
        range[0] += dist * std::cos(angle);
        range[2] += dist * std::cos(angle);
        range[1] += dist * std::sin(angle);
        range[3] += dist * std::sin(angle);
      }
    }
    return out;
  }
  if (mode == "distractors") {
    static const char* const kItems[] = {"ketchup", "milk", "butter", "cream_cheese", "chocolate_pudding",
                                         "orange_juice", "alphabet_soup", "tomato_sauce", "bbq_sauce",
                                         "salad_dressing", "red_coffee_mug", "white_yellow_mug"};
    std::set<std::string> used;
    for (const auto& o : task.objects) used.insert(o.category);
    for (const auto& f : task.fixtures) used.insert(f.category);
    // Occupied spots and how far a distractor keeps from each: fixtures
    // (cabinets, stoves) are large, objects and free regions smaller.
    std::set<std::string> fixture_regions;
    for (const BddlAtom& a : task.init) {
      if (a.args.size() == 2 && task.FindInstance(a.args[0]) != nullptr) {
        for (const auto& f : task.fixtures) {
          if (f.name == a.args[0]) fixture_regions.insert(a.args[1]);
        }
      }
    }
    std::vector<std::pair<std::array<double, 2>, double>> taken;
    for (const BddlRegion& r : task.regions) {
      if (r.target != surface) continue;
      for (const auto& range : r.ranges) {
        taken.push_back({Centre(range), fixture_regions.count(r.full_name()) ? 0.22 : 0.09});
      }
    }
    std::mt19937_64 rng(seed);
    std::vector<std::string> candidates;
    for (const char* c : kItems) {
      if (!used.count(c)) candidates.push_back(c);
    }
    std::shuffle(candidates.begin(), candidates.end(), rng);
    const int count = p.value("count", 1);
    if (count > static_cast<int>(candidates.size())) {
      return Error{task.source + ": layout: " + std::to_string(count) + " distractors asked, " +
                   std::to_string(candidates.size()) + " unused grocery categories left"};
    }
    // The reachable, visible part of a LIBERO table (its frame: centre at 0).
    std::uniform_real_distribution<double> ux(-0.3, 0.25), uy(-0.35, 0.35);
    for (int k = 0; k < count; ++k) {
      std::array<double, 2> spot{};
      bool free = false;
      for (int attempt = 0; attempt < 500 && !free; ++attempt) {
        spot = {ux(rng), uy(rng)};
        free = true;
        for (const auto& [t, clearance] : taken) free &= std::hypot(spot[0] - t[0], spot[1] - t[1]) > clearance;
      }
      if (!free) return Error{task.source + ": layout: no free spot on the table for distractor " + std::to_string(k + 1)};
      taken.push_back({spot, 0.09});
      BddlRegion region;
      region.name = "distractor_region_" + std::to_string(k + 1);
      region.target = surface;
      region.ranges.push_back({spot[0] - 0.01, spot[1] - 0.01, spot[0] + 0.01, spot[1] + 0.01});
      out.regions.push_back(region);
      BddlInstance item{candidates[k] + "_distractor_" + std::to_string(k + 1), candidates[k], 0};
      out.objects.push_back(item);
      out.init.push_back(BddlAtom{"on", {item.name, region.full_name()}, 0});
    }
    return out;
  }
  return Error{task.source + ": layout: unknown mode '" + mode + "' (shift or distractors)"};
}

}  // namespace gauntlet::envs::tabletop
