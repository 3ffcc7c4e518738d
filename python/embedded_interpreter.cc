#include "python/embedded_interpreter.h"

namespace gauntlet::python {

EmbeddedInterpreter::EmbeddedInterpreter() {}
EmbeddedInterpreter::~EmbeddedInterpreter() {}

}  // namespace gauntlet::python
