#include "python/python_policy.h"

namespace gauntlet::python {

Result<std::unique_ptr<Policy>> MakePythonPolicy(const std::string& target, policies::PolicyOptions) {
  return Error{"python:" + target + ": Python policies are not built yet"};
}

}  // namespace gauntlet::python
