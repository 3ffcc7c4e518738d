// Events: what an episode reports beyond its outcome, as typed values. The
// results store gives the first three kinds a table of their own
// (router_decisions, subtasks, perturbations) and writes the rest to `events`
// with PayloadJson as their payload. Plain copyable values.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace gauntlet {

// One candidate of one routing decision: a router writes a row per candidate
// each time it routes. Unknown values stay empty (NULL in the table), not 0.
struct RouterDecision {
  int step = 0;                           // policy step at which the router decided
  std::string candidate;                  // a task of the merge artifact
  std::optional<double> score;            // the router's score; empty for oracle and lookup routing
  std::optional<double> probability;      // softmax of the scores over candidates; empty likewise
  bool chosen = false;                    // the candidate whose weights were switched in
  std::optional<std::string> true_task;   // the artifact's task for this episode; empty when unknown
};

// One subtask of an instruction chain, reported once it ended.
struct SubtaskResult {
  int position = 0;          // 0-based place in the chain
  std::string subtask;       // its task name
  std::string instruction;   // what the policy was told
  bool success = false;
  int steps = 0;             // policy steps spent on this subtask
  int start_step = 0;        // episode step at which it began (the row's `step`)
};

// The perturbation of the episode's variant (the variant comes from the key).
struct PerturbationApplied {
  std::string dimension;
  int level = 0;
  std::string params_json = "{}";  // the resolved parameters, a JSON object
};

// Latency of one episode's requests to a policy server. Percentiles are
// nearest-rank (the ceil(p * n)-th smallest value). The client figures are
// meaningful only when requests > 0, the server's only when
// server_infer_requests > 0.
struct PolicyTiming {
  int step = 0;                       // the last step the policy was queried at
  int requests = 0;                   // requests answered
  double client_mean_ms = 0;          // client round trip: encode, send, wait, receive, decode
  double client_p50_ms = 0;
  double client_p95_ms = 0;
  double client_max_ms = 0;
  int server_infer_requests = 0;      // replies that reported the server's inference time
  double server_infer_mean_ms = 0;    // openpi's reply["server_timing"]["infer_ms"]
  double server_infer_max_ms = 0;
  int reconnects = 0;                 // connections replaced during the episode
  bool extended = false;              // whether the extended (episode-framing) protocol was spoken
  // Episodes in flight (the runner fills these): per query, the time from
  // the observation's hand-over until its batch was dispatched, and the
  // number of queries answered by that batch's call.
  int queued_requests = 0;
  double queue_wait_mean_ms = 0;
  double queue_wait_p50_ms = 0;
  double queue_wait_p95_ms = 0;
  double queue_wait_max_ms = 0;
  double batch_size_mean = 0;
  int batch_size_p50 = 0;
  int batch_size_max = 0;
};

// Anything rare and free-form (e.g. "policy_error" when on_event threw).
struct NoteEvent {
  std::string kind;
  int step = 0;
  std::string payload_json = "{}";  // a JSON object
};

using Event = std::variant<RouterDecision, SubtaskResult, PerturbationApplied, PolicyTiming, NoteEvent>;

// "router_decision", "subtask", "perturbation", "policy_timing", or a note's own kind.
std::string KindOf(const Event& event);
// The episode step the event belongs to (a subtask's start step; 0 for a perturbation).
int StepOf(const Event& event);
// The event's fields, step aside, as a JSON object: `events.payload_json`
// for the kinds without a table of their own, and for logs and messages.
std::string PayloadJson(const Event& event);

}  // namespace gauntlet
