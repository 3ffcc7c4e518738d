// Instruction variants for the `language` perturbation: one YAML file per
// suite (suites/language/<suite>.yaml), a list per task of {kind, text}, kinds
// paraphrase / context / reorder / distractor (scripts/check_language_pools.py
// checks them).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::envs {

struct InstructionVariant {
  std::string kind;
  std::string text;
};

class LanguagePool {
 public:
  static Result<LanguagePool> Load(const std::string& path);
  // The index-th variant of `kind` for `task` (0-based, in file order).
  Result<std::string> Variant(const std::string& task, const std::string& kind, int index) const;
  const std::vector<InstructionVariant>* Of(const std::string& task) const;

 private:
  std::string path_;
  std::map<std::string, std::vector<InstructionVariant>> tasks_;
};

}  // namespace gauntlet::envs
