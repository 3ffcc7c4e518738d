#include "harness/text_join.h"

namespace gauntlet {

std::string JoinText(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

}  // namespace gauntlet
