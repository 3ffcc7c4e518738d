// The CLI's own Python interpreter, started only for `--policy python:...`.
#pragma once

namespace gauntlet::python {

// Starts an interpreter (with the working directory on sys.path), registers
// the maker of `python:module:Class` policies and releases the GIL so that
// worker threads can take it; the destructor finalises the interpreter.
class EmbeddedInterpreter {
 public:
  EmbeddedInterpreter();
  ~EmbeddedInterpreter();
  EmbeddedInterpreter(const EmbeddedInterpreter&) = delete;
  EmbeddedInterpreter& operator=(const EmbeddedInterpreter&) = delete;
};

}  // namespace gauntlet::python
