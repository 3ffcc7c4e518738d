#include "envs/perturbations/language_pool.h"

#include <yaml-cpp/yaml.h>

namespace gauntlet::envs {

Result<LanguagePool> LanguagePool::Load(const std::string& path) {
  LanguagePool pool;
  pool.path_ = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Error{path + ": cannot open instruction variants"};
  } catch (const YAML::ParserException& e) {
    return Error{path + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg};
  }
  const YAML::Node tasks = root["tasks"];
  if (!tasks || !tasks.IsMap()) return Error{path + ": expected a 'tasks' map of task name -> variants"};
  for (const auto& entry : tasks) {
    const std::string task = entry.first.as<std::string>();
    if (!entry.second.IsSequence()) {
      return Error{path + ":" + std::to_string(entry.second.Mark().line + 1) + ": variants of '" + task + "' must be a list"};
    }
    auto& list = pool.tasks_[task];
    for (const auto& v : entry.second) {
      if (!v["kind"] || !v["text"]) {
        return Error{path + ":" + std::to_string(v.Mark().line + 1) + ": a variant needs 'kind' and 'text'"};
      }
      list.push_back({v["kind"].as<std::string>(), v["text"].as<std::string>()});
    }
  }
  return pool;
}

const std::vector<InstructionVariant>* LanguagePool::Of(const std::string& task) const {
  auto it = tasks_.find(task);
  return it == tasks_.end() ? nullptr : &it->second;
}

Result<std::string> LanguagePool::Variant(const std::string& task, const std::string& kind, int index) const {
  const auto* list = Of(task);
  if (list == nullptr) return Error{path_ + ": no instruction variants for task '" + task + "'"};
  int seen = 0;
  for (const auto& v : *list) {
    if (v.kind == kind && seen++ == index) return v.text;
  }
  return Error{path_ + ": task '" + task + "' has " + std::to_string(seen) + " '" + kind + "' variants; variant " +
               std::to_string(index) + " was asked for"};
}

}  // namespace gauntlet::envs
