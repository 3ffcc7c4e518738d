// The non-cryptographic hashes every stored seed and digest is made of. Their
// constants and byte order are fixed for good: seeds derived from episode
// keys, state hashes and config hashes in existing results files depend on
// them (tests/harness/hashing_test.cc pins values). Stable across platforms
// and compilers, unlike std::hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gauntlet {

// FNV-1a, 64 bits (Fowler, Noll, Vo): for each byte, h ^= byte; h *= prime.
constexpr std::uint64_t kFnv1aOffsetBasis = 0xcbf29ce484222325ull;  // 14695981039346656037
constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ull;             // 1099511628211

// `n` bytes at `data` (or the bytes of `text`) folded into `h`: start from
// the offset basis; pass the result on to hash several pieces as one stream.
// Two names, not overloads: a string literal would also convert to the
// pointer and take the hash for a byte count.
std::uint64_t Fnv1a64Bytes(const void* data, std::size_t n, std::uint64_t h = kFnv1aOffsetBasis);
std::uint64_t Fnv1a64(std::string_view text, std::uint64_t h = kFnv1aOffsetBasis);

// SplitMix64's output function (Steele, Lea, Flood 2014; Vigna's constants):
// x + golden gamma, then two xor-shift-multiply rounds and a final xor-shift.
// A bijection that spreads every input bit over the output.
std::uint64_t SplitMix64(std::uint64_t x);

// 16 lower-case hex digits, zero-padded.
std::string Hex16(std::uint64_t value);

}  // namespace gauntlet
