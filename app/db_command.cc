// `gauntlet db merge OUT.db SHARD.db...`: shards of runs split with `gauntlet
// run --shard I/N` merged into one results file (results/shard_merge.h),
// then the coverage of every run they hold and the commands that rerun what
// is missing.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/command.h"
#include "results/shard_merge.h"

namespace gauntlet::app {

namespace {

struct DbMergeArgs {
  std::string out;
  std::vector<std::string> shards;
};

// A shard argument that names a folder stands for the shard files in it.
std::vector<std::string> Expand(const std::vector<std::string>& args, const std::string& out) {
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    if (!std::filesystem::is_directory(arg)) {
      files.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(arg)) {
      const std::string name = entry.path().filename().string();
      std::error_code same;
      if (name.find(".shard-") != std::string::npos && entry.path().extension() == ".db" &&
          !std::filesystem::equivalent(entry.path(), out, same)) {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

Command AddDbCommand(CLI::App& app) {
  auto args = std::make_shared<DbMergeArgs>();
  auto* sub = app.add_subcommand("db", "Results files: merge the shards of split runs");
  sub->require_subcommand(1);
  auto* merge = sub->add_subcommand(
      "merge", "Merge shard files (from `run --shard I/N`) into OUT; identical duplicates are skipped, "
               "conflicting ones refused; prints each run's coverage and how to rerun missing shards");
  merge->add_option("out", args->out, "The merged results file (created or extended)")->required();
  merge->add_option("shards", args->shards, "Shard files, or folders holding *.shard-I-of-N.db files")->required();
  return {sub, [args] {
            const std::vector<std::string> shards = Expand(args->shards, args->out);
            auto report = results::MergeShards(args->out, shards);
            if (!report.ok()) return Fail("db merge: " + report.error().message);
            std::cout << results::FormatCoverage(report.value());
            for (const auto& run : report.value().runs) {
              if (run.present < run.expected) return 1;
            }
            return 0;
          }};
}

}  // namespace gauntlet::app
