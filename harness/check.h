// Always-on invariant checks inside the engine. A failed check is a bug in
// gauntlet, not bad input: bad input is reported through Result/Status.
#pragma once

#include <stdexcept>
#include <string>

namespace gauntlet {

class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] inline void FailCheck(const char* file, int line, const char* cond,
                                   const std::string& message) {
  throw InvariantError(std::string(file) + ":" + std::to_string(line) + ": check `" +
                       cond + "` failed: " + message);
}

}  // namespace gauntlet

#define GAUNTLET_CHECK(cond, message)                                      \
  do {                                                                     \
    if (!(cond)) ::gauntlet::FailCheck(__FILE__, __LINE__, #cond, (message)); \
  } while (0)
