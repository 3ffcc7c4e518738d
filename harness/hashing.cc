#include "harness/hashing.h"

#include <cstdio>

namespace gauntlet {

std::uint64_t Fnv1a64Bytes(const void* data, std::size_t n, std::uint64_t h) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= kFnv1aPrime;
  }
  return h;
}

std::uint64_t Fnv1a64(std::string_view text, std::uint64_t h) { return Fnv1a64Bytes(text.data(), text.size(), h); }

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string Hex16(std::uint64_t value) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(value));
  return hex;
}

}  // namespace gauntlet
