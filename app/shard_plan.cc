#include "app/shard_plan.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace gauntlet::app {

Result<Shard> ParseShard(const std::string& text) {
  const auto slash = text.find('/');
  const auto bad = [&] {
    return Error{"--shard '" + text + "': expected I/N with 0 <= I < N (e.g. 0/4; Slurm: $SLURM_ARRAY_TASK_ID/N)"};
  };
  if (slash == std::string::npos) return bad();
  Shard shard;
  try {
    size_t used = 0;
    shard.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) return bad();
    const std::string count = text.substr(slash + 1);
    shard.count = std::stoi(count, &used);
    if (used != count.size()) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) return bad();
  return shard;
}

std::vector<int> AssignShards(const std::vector<long long>& costs, int count) {
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<long long> load(static_cast<size_t>(std::max(count, 1)), 0);
  std::vector<int> shard_of(costs.size(), 0);
  for (size_t item : order) {
    const auto lightest = std::min_element(load.begin(), load.end());  // the first among equals
    shard_of[item] = static_cast<int>(lightest - load.begin());
    *lightest += costs[item];
  }
  return shard_of;
}

std::string ShardLabel(const std::string& run_name, const std::string& suite_or_file) {
  return !run_name.empty() ? run_name : std::filesystem::path(suite_or_file).stem().string();
}

std::string ShardDbPath(const std::string& db, const std::string& run_name, const Shard& shard) {
  std::string name = run_name;
  for (char& c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!keep) c = '_';
  }
  const std::filesystem::path path(db);
  const std::string file = path.stem().string() + "." + name + ".shard-" + std::to_string(shard.index) + "-of-" +
                           std::to_string(shard.count) + path.extension().string();
  return (path.parent_path() / file).string();
}

}  // namespace gauntlet::app
