// workloads/lib: the seeded data pattern and the fs_dax trace tally.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "workloads/lib/dax_trace.h"
#include "workloads/lib/pattern.h"

namespace dt {
namespace {

TEST(Pattern, MismatchNamesOffsetsAndBytes) {
  std::vector<uint8_t> data(8192);
  workloads::fill_pattern(data.data(), data.size(), 7, 4096);
  EXPECT_FALSE(workloads::find_mismatch(data.data(), data.size(), 7, 4096));
  EXPECT_TRUE(workloads::find_mismatch(data.data(), data.size(), 8, 4096));
  for (size_t i = 100; i < 200; ++i) data[i] = 0xAB;
  auto bad = workloads::find_mismatch(data.data(), data.size(), 7, 4096);
  ASSERT_TRUE(bad);
  EXPECT_GE(bad->first, 4196u);
  EXPECT_LE(bad->last, 4295u);
  EXPECT_EQ(bad->seen.substr(0, 2), "ab");
}

TEST(Pattern, WordWiseFillAndScanAgreeAtOddOffsets) {
  // The word-wise fast paths must give the byte-wise definition at any
  // start: compare against pattern_word read byte by byte.
  std::vector<uint8_t> data(1000);
  workloads::fill_pattern(data.data(), data.size(), 9, 4093);
  for (size_t i = 0; i < data.size(); ++i) {
    uint64_t offset = 4093 + i;
    uint8_t expected = static_cast<uint8_t>(workloads::pattern_word(9, offset & ~7ull) >>
                                            ((offset & 7) * 8));
    ASSERT_EQ(data[i], expected) << "byte " << i;
  }
  EXPECT_FALSE(workloads::find_mismatch(data.data(), data.size(), 9, 4093));
  data[1] ^= 1;  // inside the unaligned head
  auto bad = workloads::find_mismatch(data.data(), data.size(), 9, 4093);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->first, 4094u);
  data[1] ^= 1;
  data[997] ^= 1;  // inside the tail
  bad = workloads::find_mismatch(data.data(), data.size(), 9, 4093);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->first, 4093u + 997);
}

TEST(DaxTrace, TalliesNopageAndFallback) {
  const std::string trace =
      "# tracer: nop\n"
      "  a.out-123 [000] ..... 10.0: dax_pmd_fault_done: dev 259:0 ino 0x83 shared WRITE|ALLOW_RETRY "
      "address 0x7f0000200000 vm_start 0x7f0000000000 vm_end 0x7f0004000000 pgoff 0x200 max_pgoff "
      "0x3fff NOPAGE\n"
      "  a.out-123 [000] ..... 10.1: dax_pmd_fault_done: dev 259:0 ino 0x83 shared WRITE|ALLOW_RETRY "
      "address 0x7f0000401000 vm_start 0x7f0000001000 vm_end 0x7f0004001000 pgoff 0x400 max_pgoff "
      "0x3fff FALLBACK\n"
      "  a.out-123 [000] ..... 10.2: dax_pmd_load_hole: dev 259:0 NOPAGE\n";
  auto tally = workloads::DaxTrace::tally(trace, "dax_pmd_fault_done");
  EXPECT_EQ(tally.events, 2u);
  EXPECT_EQ(tally.nopage, 1u);
  EXPECT_EQ(tally.fallback, 1u);
  ASSERT_EQ(tally.fallback_lines.size(), 1u);
  EXPECT_EQ(tally.needdsync, 0u);
}

TEST(DaxTrace, CountsMapSyncFaultsThatNeededAMetadataSync) {
  const std::string trace =
      "  t-9 [001] ..... 5.0: dax_pmd_fault_done: dev 259:0 ino 0x83 shared WRITE|ALLOW_RETRY "
      "address 0x7f0000200000 vm_start 0x7f0000000000 vm_end 0x7f0004000000 pgoff 0x200 max_pgoff "
      "0x3fff MAJOR|NEEDDSYNC\n"
      "  t-9 [001] ..... 5.1: dax_pmd_fault_done: dev 259:0 ino 0x83 shared WRITE|ALLOW_RETRY "
      "address 0x7f0000400000 vm_start 0x7f0000000000 vm_end 0x7f0004000000 pgoff 0x400 max_pgoff "
      "0x3fff NOPAGE\n";
  auto tally = workloads::DaxTrace::tally(trace, "dax_pmd_fault_done");
  EXPECT_EQ(tally.events, 2u);
  EXPECT_EQ(tally.needdsync, 1u);
  EXPECT_EQ(tally.nopage, 1u);
  EXPECT_EQ(tally.fallback, 0u);
}

TEST(Pattern, WhoseDataNamesTheOwnerZeroesOrNobody) {
  std::vector<uint8_t> data(64);
  workloads::fill_pattern(data.data(), data.size(), 5, 4096);
  const std::vector<workloads::PatternOwner> owners = {
      {"the guard", 7, 4096},
      {"file five", 5, 4096},
      {"the device's data of device", 9, 0, 1 << 20, true}};
  EXPECT_EQ(workloads::whose_data(data.data(), owners), "file five");
  workloads::fill_pattern(data.data(), data.size(), 9, 8192);
  EXPECT_EQ(workloads::whose_data(data.data(), owners), "the device's data of device offset 8192");
  std::fill(data.begin(), data.end(), 0);
  EXPECT_EQ(workloads::whose_data(data.data(), owners), "zeroes");
  data[0] = 1;
  EXPECT_EQ(workloads::whose_data(data.data(), owners), "unrecognised data");
}

TEST(Pattern, FindDifferenceAgainstAnotherBuffer) {
  std::vector<uint8_t> expected(4096), seen(4096);
  workloads::fill_pattern(expected.data(), expected.size(), 3, 0);
  seen = expected;
  EXPECT_FALSE(workloads::find_difference(seen.data(), expected.data(), seen.size(), 100));
  for (size_t i = 10; i < 20; ++i) seen[i] ^= 0xff;
  auto bad = workloads::find_difference(seen.data(), expected.data(), seen.size(), 100);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->first, 110u);
  EXPECT_EQ(bad->last, 119u);
}

}  // namespace
}  // namespace dt
