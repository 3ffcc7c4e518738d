#include "harness/episode.h"

#include <string>

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

namespace {
// FNV-1a then a splitmix64 finaliser: stable across platforms and compilers,
// unlike std::hash.
std::uint64_t Fnv1a(const std::string& s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

std::uint64_t DeriveSeed(const EpisodeKey& key, std::uint64_t salt) {
  std::uint64_t h = Fnv1a(key.ToString(), 14695981039346656037ull);
  return SplitMix(h ^ SplitMix(salt));
}

}  // namespace gauntlet
