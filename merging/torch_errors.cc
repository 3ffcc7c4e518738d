#include "merging/torch_errors.h"

#include <c10/util/Exception.h>

namespace gauntlet::merging {

std::string TorchErrorReason(const std::exception& error) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&error);
  const std::string message = c10_error ? c10_error->what_without_backtrace() : error.what();
  const size_t end = message.find_last_not_of(" \n");
  if (end == std::string::npos) return message;
  const size_t newline = message.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return message.substr(start, end + 1 - start);
}

}  // namespace gauntlet::merging
