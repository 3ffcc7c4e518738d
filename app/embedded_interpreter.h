// The CLI's own Python interpreter, started only for `--policy python:...`.
#pragma once

#include <memory>

namespace gauntlet::app {

// Starts an interpreter (with the working directory on sys.path), registers
// the maker of `python:module:Class` policies and releases the GIL so that
// worker threads can take it; the destructor unregisters the maker, takes the
// GIL back and finalises the interpreter, unless a worker the watchdog
// abandoned is still inside a policy (then the interpreter is left to the
// process's exit). One per process, created and destroyed on the main thread.
class EmbeddedInterpreter {
 public:
  EmbeddedInterpreter();
  ~EmbeddedInterpreter();
  EmbeddedInterpreter(const EmbeddedInterpreter&) = delete;
  EmbeddedInterpreter& operator=(const EmbeddedInterpreter&) = delete;

 private:
  struct State;  // pybind11's interpreter and GIL guards (embedded_interpreter.cc)
  std::unique_ptr<State> state_;
};

}  // namespace gauntlet::app
