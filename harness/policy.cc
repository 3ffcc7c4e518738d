#include "harness/policy.h"

#include "harness/instance_session.h"

namespace gauntlet {

std::shared_ptr<PolicySession> Policy::open_session() {
  throw std::logic_error("policy '" + info().name + "' does not batch: it has no sessions");
}

std::vector<PolicyAnswer> Policy::act_batch(const std::vector<PolicyQuery>& /*queries*/) {
  throw std::logic_error("policy '" + info().name + "' does not batch: act_batch is not implemented");
}

PolicyAnswer AnswerWithInstance(PolicySession& session, const Observation& observation) {
  PolicyAnswer answer;
  try {
    answer.chunk = static_cast<InstanceSession&>(session).policy().act(observation);
  } catch (...) {
    answer.error = std::current_exception();
  }
  return answer;
}

}  // namespace gauntlet
