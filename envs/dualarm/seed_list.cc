#include "envs/dualarm/seed_list.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace gauntlet::envs::dualarm {

std::string SeedListJson(const SeedList& list) {
  nlohmann::json rejected = nlohmann::json::array();
  for (const RejectedSeed& r : list.rejected) rejected.push_back({{"seed", r.seed}, {"reason", r.reason}});
  nlohmann::json j = {
      {"format", kSeedListFormat},
      {"task", list.task},
      {"embodiment", list.embodiment},
      {"setting", list.setting},
      {"first_candidate", list.first_candidate},
      {"candidates_tried", list.candidates_tried},
      {"acceptance_rate", list.acceptance_rate()},
      {"checks", list.checks},
      {"expert_validation", list.expert_validation},
      {"settle_seconds", list.settle_seconds},
      {"rest_linear_speed", list.rest_linear_speed},
      {"rest_angular_speed", list.rest_angular_speed},
      {"rejected", rejected},
      {"seeds", list.seeds},
  };
  if (!list.expert.empty()) j["expert"] = list.expert;
  return j.dump(1) + "\n";
}

Status SaveSeedList(const SeedList& list, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Error{path + ": cannot create the folder: " + ec.message()};
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) return Error{path + ": cannot open for writing"};
  out << SeedListJson(list);
  if (!out) return Error{path + ": write failed"};
  return Status::Ok();
}

Result<SeedList> LoadSeedList(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": no seed list (generate it with `gauntlet init-states <suite>`)"};
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    return Error{path + ": not JSON: " + e.what()};
  }
  if (!j.is_object() || j.value("format", "") != kSeedListFormat) {
    return Error{path + ": 'format' is not " + std::string(kSeedListFormat)};
  }
  SeedList list;
  try {
    list.task = j.at("task").get<std::string>();
    list.embodiment = j.at("embodiment").get<std::string>();
    list.setting = j.at("setting").get<std::string>();
    list.first_candidate = j.at("first_candidate").get<std::uint64_t>();
    list.candidates_tried = j.at("candidates_tried").get<int>();
    list.checks = j.at("checks").get<std::vector<std::string>>();
    list.expert_validation = j.at("expert_validation").get<std::string>();
    list.expert = j.value("expert", "");
    list.settle_seconds = j.at("settle_seconds").get<double>();
    list.rest_linear_speed = j.at("rest_linear_speed").get<double>();
    list.rest_angular_speed = j.at("rest_angular_speed").get<double>();
    for (const auto& r : j.at("rejected")) {
      list.rejected.push_back({r.at("seed").get<std::uint64_t>(), r.at("reason").get<std::string>()});
    }
    list.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
  } catch (const nlohmann::json::exception& e) {
    return Error{path + ": " + e.what()};
  }
  if (list.seeds.empty()) return Error{path + ": 'seeds' is empty"};
  return list;
}

std::string SeedListPathFor(const std::string& listed, const std::string& embodiment) {
  const std::filesystem::path p(listed);
  return (p.parent_path().parent_path() / embodiment / p.filename()).string();
}

}  // namespace gauntlet::envs::dualarm
