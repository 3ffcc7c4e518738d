// Joining names into one line of text ("agentview, wrist"), as error messages
// and records list them.
#pragma once

#include <string>
#include <vector>

namespace gauntlet {

// `items` with `separator` between them; "" for none.
std::string JoinText(const std::vector<std::string>& items, const std::string& separator);

}  // namespace gauntlet
