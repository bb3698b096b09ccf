// Seeded data patterns: every 8-byte word names its file (seed) and its
// offset, so a block that ends up in the wrong file or at the wrong place is
// told apart from a correct one, and a corruption report can say whose data
// was found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dt::workloads {

uint64_t pattern_word(uint64_t seed, uint64_t offset);
void fill_pattern(void* buffer, size_t length, uint64_t seed, uint64_t file_offset);

struct Mismatch {
  uint64_t first = 0;          // file offset of the first bad byte
  uint64_t last = 0;           // last bad byte of that contiguous run
  std::string seen;            // hex of the first bytes seen there
  std::string expected;        // hex of what should be there
  std::string describe() const;
};

// Compares buffer (holding file bytes from file_offset on) with the pattern.
std::optional<Mismatch> find_mismatch(const void* buffer, size_t length, uint64_t seed,
                                      uint64_t file_offset);
// The same against a constant byte (zeroes after a hole punch).
std::optional<Mismatch> find_mismatch_byte(const void* buffer, size_t length, uint8_t value,
                                           uint64_t file_offset);

// The same against a buffer holding what should be there.
std::optional<Mismatch> find_difference(const void* seen, const void* expected, size_t length,
                                        uint64_t file_offset);

// One pattern a run of bytes may hold: whose it is, its seed, and the
// pattern offset expected at the run's start; or, with `anywhere` set, any
// 8-byte aligned offset below `anywhere` (data that may have landed
// anywhere, e.g. a device's).
struct PatternOwner {
  std::string name;
  uint64_t seed = 0;
  uint64_t offset = 0;
  uint64_t anywhere = 0;
  bool says_offset = false;  // an `anywhere` match adds " offset N", the offset found
};

// Whose data is this? The name of the first owner whose pattern word
// stands in the 8 bytes at `bytes`, "zeroes", or "unrecognised data": the
// one helper for every corruption report that says what it found.
std::string whose_data(const uint8_t* bytes, const std::vector<PatternOwner>& owners);

}  // namespace dt::workloads
