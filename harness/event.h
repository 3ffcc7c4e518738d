// An event: anything worth a row beyond the episode outcome (routing
// decisions, timings, subtask results), stored in the `events` table.
#pragma once

#include <string>

namespace gauntlet {

struct Event {
  std::string kind;  // e.g. "router_decision", "subtask", "policy_timing"
  int step = 0;
  std::string payload_json;  // a JSON object; the store decides where it goes
};

}  // namespace gauntlet
