#include "harness/episode.h"

#include <string>

#include "harness/hashing.h"

namespace gauntlet {

std::string EpisodeKey::ToString() const {
  return suite + "/" + task + "/" + variant + "/init" + std::to_string(init_state) + "/seed" +
         std::to_string(trial_seed);
}

const char* ToString(EpisodeStatus status) {
  switch (status) {
    case EpisodeStatus::kSuccess: return "success";
    case EpisodeStatus::kFailure: return "failure";
    case EpisodeStatus::kError: return "error";
    case EpisodeStatus::kTimeout: return "timeout";
  }
  return "?";
}

// FNV-1a of the key's text, then a SplitMix64 finaliser with the salt mixed in.
std::uint64_t DeriveSeed(const EpisodeKey& key, std::uint64_t salt) {
  return SplitMix64(Fnv1a64(key.ToString()) ^ SplitMix64(salt));
}

}  // namespace gauntlet
