// The line of a LibTorch exception that says what went wrong, for error
// messages: c10::Error's text without its C++ backtrace, and of that the last
// non-empty line (TorchScript puts its traceback first).
#pragma once

#include <exception>
#include <string>

namespace gauntlet::merging {

std::string TorchErrorReason(const std::exception& error);

}  // namespace gauntlet::merging
