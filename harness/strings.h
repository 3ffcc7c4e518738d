// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <vector>

namespace gauntlet {

// "a, b, c" from {"a", "b", "c"} with separator ", ".
inline std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty() || &item != &items.front()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace gauntlet
