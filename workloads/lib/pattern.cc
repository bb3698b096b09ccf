#include "workloads/lib/pattern.h"

#include <cstring>
#include <sstream>

namespace dt::workloads {

uint64_t pattern_word(uint64_t seed, uint64_t offset) {
  // splitmix64 of (seed, word index): cheap, and no two files or offsets
  // share a word in practice.
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + (offset / 8) + 1;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

namespace {
uint8_t pattern_byte(uint64_t seed, uint64_t offset) {
  uint64_t word = pattern_word(seed, offset & ~7ull);
  return static_cast<uint8_t>(word >> ((offset & 7) * 8));
}

std::string hex_bytes(const uint8_t* bytes, size_t count) {
  std::ostringstream out;
  for (size_t i = 0; i < count; ++i) {
    char digits[4];
    snprintf(digits, sizeof digits, "%02x", bytes[i]);
    out << digits;
  }
  return out.str();
}

template <typename Expected>
std::optional<Mismatch> scan(const uint8_t* bytes, size_t length, uint64_t file_offset,
                             Expected expected) {
  size_t i = 0;
  while (i < length && bytes[i] == expected(file_offset + i)) ++i;
  if (i == length) return std::nullopt;
  Mismatch mismatch;
  mismatch.first = file_offset + i;
  // The damaged run ends where the data agrees again for a while: single
  // bytes of damaged data can match the pattern by chance.
  constexpr size_t kAgreeing = 64;
  size_t last_bad = i, agreeing = 0;
  for (size_t k = i + 1; k < length && agreeing < kAgreeing; ++k) {
    if (bytes[k] == expected(file_offset + k)) {
      ++agreeing;
    } else {
      agreeing = 0;
      last_bad = k;
    }
  }
  mismatch.last = file_offset + last_bad;
  size_t shown = std::min<size_t>(16, length - i);
  uint8_t wanted[16];
  for (size_t k = 0; k < shown; ++k) wanted[k] = expected(file_offset + i + k);
  mismatch.seen = hex_bytes(bytes + i, shown);
  mismatch.expected = hex_bytes(wanted, shown);
  return mismatch;
}

// true when the first `count` bytes hold the pattern.
bool holds_pattern(const uint8_t* bytes, size_t count, uint64_t seed,
                             uint64_t file_offset) {
  for (size_t i = 0; i < count; ++i)
    if (bytes[i] != pattern_byte(seed, file_offset + i)) return false;
  return true;
}

// Bytes before the first whole pattern word of [file_offset, + length).
size_t head_bytes(size_t length, uint64_t file_offset) {
  return std::min<size_t>(length, (8 - file_offset % 8) % 8);
}
}  // namespace

// A word at a time between the unaligned ends (pattern words are stored
// little-endian, as pattern_byte reads them): byte by byte is too slow for
// MiBs under TCG.
void fill_pattern(void* buffer, size_t length, uint64_t seed, uint64_t file_offset) {
  auto* bytes = static_cast<uint8_t*>(buffer);
  size_t i = 0;
  for (size_t head = head_bytes(length, file_offset); i < head; ++i)
    bytes[i] = pattern_byte(seed, file_offset + i);
  for (; i + 8 <= length; i += 8) {
    uint64_t word = pattern_word(seed, file_offset + i);
    memcpy(bytes + i, &word, 8);
  }
  for (; i < length; ++i) bytes[i] = pattern_byte(seed, file_offset + i);
}

std::optional<Mismatch> find_mismatch(const void* buffer, size_t length, uint64_t seed,
                                      uint64_t file_offset) {
  const auto* bytes = static_cast<const uint8_t*>(buffer);
  // Skip the whole words that match; the byte scan then starts at most one
  // word before the first difference.
  size_t skip = head_bytes(length, file_offset);
  if (skip == 0 || holds_pattern(bytes, skip, seed, file_offset)) {
    while (skip + 8 <= length) {
      uint64_t word = pattern_word(seed, file_offset + skip), seen;
      memcpy(&seen, bytes + skip, 8);
      if (seen != word) break;
      skip += 8;
    }
  } else {
    skip = 0;
  }
  return scan(bytes + skip, length - skip, file_offset + skip,
              [seed](uint64_t offset) { return pattern_byte(seed, offset); });
}

std::optional<Mismatch> find_mismatch_byte(const void* buffer, size_t length, uint8_t value,
                                           uint64_t file_offset) {
  return scan(static_cast<const uint8_t*>(buffer), length, file_offset,
              [value](uint64_t) { return value; });
}

std::optional<Mismatch> find_difference(const void* seen, const void* expected, size_t length,
                                        uint64_t file_offset) {
  if (memcmp(seen, expected, length) == 0) return std::nullopt;
  const auto* wanted = static_cast<const uint8_t*>(expected);
  return scan(static_cast<const uint8_t*>(seen), length, file_offset,
              [wanted, file_offset](uint64_t offset) { return wanted[offset - file_offset]; });
}

std::string whose_data(const uint8_t* bytes, const std::vector<PatternOwner>& owners) {
  uint64_t word;
  memcpy(&word, bytes, 8);
  if (word == 0) return "zeroes";
  for (const PatternOwner& owner : owners) {
    if (owner.anywhere == 0) {
      if (word == pattern_word(owner.seed, owner.offset)) return owner.name;
      continue;
    }
    for (uint64_t off = 0; off < owner.anywhere; off += 8)
      if (word == pattern_word(owner.seed, off))
        return owner.says_offset ? owner.name + " offset " + std::to_string(off) : owner.name;
  }
  return "unrecognised data";
}

std::string Mismatch::describe() const {
  std::ostringstream out;
  out << "bytes " << first << ".." << last << " (" << (last - first + 1) << " bytes) differ: seen "
      << seen << ", expected " << expected;
  return out.str();
}

}  // namespace dt::workloads
