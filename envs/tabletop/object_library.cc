#include "envs/tabletop/object_library.h"

#include <map>
#include <sstream>

#include "envs/tabletop/object_geometry.h"

namespace gauntlet::envs::tabletop {

namespace {

const std::map<std::string, ObjectEntry>& Library() {
  static const auto* library = [] {
    auto* lib = new std::map<std::string, ObjectEntry>();
    for (auto family : {TablewareObjects, GroceryObjects, FurnitureObjects, HouseholdObjects}) {
      for (ObjectEntry& entry : family()) (*lib)[entry.model.category] = std::move(entry);
    }
    return lib;
  }();
  return *library;
}

}  // namespace

const ObjectModel* FindObjectModel(const std::string& category) {
  auto it = Library().find(category);
  return it == Library().end() ? nullptr : &it->second.model;
}

std::vector<std::string> KnownCategories() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : Library()) names.push_back(name);
  return names;
}

std::string ObjectBodyMjcf(const ObjectModel& model, const std::string& instance,
                           const std::array<double, 3>& pos, double yaw) {
  const ObjectEntry& entry = Library().at(model.category);
  std::ostringstream o;
  o.precision(17);
  o << "<body name=\"" << instance << "\" pos=\"" << pos[0] << " " << pos[1] << " " << pos[2]
    << "\" euler=\"0 0 " << yaw << "\">\n";
  if (!model.fixture) o << "<freejoint name=\"" << instance << "_joint\"/>\n";
  o << entry.geoms(instance) << "</body>\n";
  return o.str();
}

}  // namespace gauntlet::envs::tabletop
