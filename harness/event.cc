#include "harness/event.h"

#include <nlohmann/json.hpp>

namespace gauntlet {

namespace {

using Json = nlohmann::json;

template <class T>
Json OrNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// A stored JSON text as a value; text that does not parse stays a string, so
// a message shows what was given.
Json Embedded(const std::string& text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? Json(text) : value;
}

Json Payload(const RouterDecision& d) {
  return {{"candidate", d.candidate},
          {"score", OrNull(d.score)},
          {"probability", OrNull(d.probability)},
          {"chosen", d.chosen},
          {"true_task", OrNull(d.true_task)}};
}

Json Payload(const SubtaskResult& s) {
  return {{"position", s.position}, {"subtask", s.subtask}, {"instruction", s.instruction},
          {"success", s.success},   {"steps", s.steps},     {"start_step", s.start_step}};
}

Json Payload(const PerturbationApplied& p) {
  return {{"dimension", p.dimension}, {"level", p.level}, {"params", Embedded(p.params_json)}};
}

// The layout the remote policy has always written to `events`.
Json Payload(const PolicyTiming& t) {
  Json out = {{"requests", t.requests},
              {"client_ms", nullptr},
              {"server_infer_ms", nullptr},
              {"reconnects", t.reconnects},
              {"extended", t.extended}};
  if (t.requests > 0) {
    out["client_ms"] = {{"mean", t.client_mean_ms}, {"p50", t.client_p50_ms}, {"p95", t.client_p95_ms},
                        {"max", t.client_max_ms}};
  }
  if (t.server_infer_requests > 0) {
    out["server_infer_ms"] = {{"mean", t.server_infer_mean_ms}, {"max", t.server_infer_max_ms},
                              {"requests", t.server_infer_requests}};
  }
  if (t.queued_requests > 0) {
    out["queue_wait_ms"] = {{"mean", t.queue_wait_mean_ms}, {"p50", t.queue_wait_p50_ms},
                            {"p95", t.queue_wait_p95_ms}, {"max", t.queue_wait_max_ms},
                            {"requests", t.queued_requests}};
    out["batch_size"] = {{"mean", t.batch_size_mean}, {"p50", t.batch_size_p50}, {"max", t.batch_size_max}};
  }
  return out;
}

std::string Kind(const RouterDecision&) { return "router_decision"; }
std::string Kind(const SubtaskResult&) { return "subtask"; }
std::string Kind(const PerturbationApplied&) { return "perturbation"; }
std::string Kind(const PolicyTiming&) { return "policy_timing"; }
std::string Kind(const NoteEvent& n) { return n.kind; }

int Step(const SubtaskResult& s) { return s.start_step; }
int Step(const PerturbationApplied&) { return 0; }
template <class T>
int Step(const T& e) {
  return e.step;
}

// A note's payload is kept as its producer wrote it.
std::string PayloadText(const NoteEvent& n) { return n.payload_json; }
template <class T>
std::string PayloadText(const T& e) {
  return Payload(e).dump();
}

}  // namespace

std::string KindOf(const Event& event) {
  return std::visit([](const auto& e) { return Kind(e); }, event);
}

int StepOf(const Event& event) {
  return std::visit([](const auto& e) { return Step(e); }, event);
}

std::string PayloadJson(const Event& event) {
  return std::visit([](const auto& e) { return PayloadText(e); }, event);
}

}  // namespace gauntlet
