#include "core/taint.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace dt {
namespace {

constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }

TEST(TaintFlags, MatchTheKernelTable) {
  // kernel/panic.c taint_flags, identical in 6.1 and 6.12.
  const char letters[] = "PFSRMBUDAWCIOELKXTN";
  auto flags = taint_flags();
  ASSERT_EQ(flags.size(), 19u);
  for (unsigned i = 0; i < flags.size(); ++i) {
    EXPECT_EQ(flags[i].bit, i);
    EXPECT_EQ(flags[i].letter, letters[i]) << "bit " << i;
  }
  EXPECT_STREQ(flags[9].name, "WARN");
  EXPECT_STREQ(flags[14].name, "SOFTLOCKUP");
  EXPECT_STREQ(flags[15].name, "LIVEPATCH");
}

TEST(TaintFlags, FindingsAreKernelFaultsOnly) {
  EXPECT_EQ(taint_finding_mask(), bit(4) | bit(5) | bit(7) | bit(9) | bit(14));
}

TEST(TaintLetters, CompactKernelForm) {
  EXPECT_EQ(taint_letters(0), "");
  EXPECT_EQ(taint_letters(bit(9)), "GW");
  EXPECT_EQ(taint_letters(bit(0) | bit(12) | bit(13)), "POE");
  EXPECT_EQ(taint_letters(bit(5) | bit(7) | bit(9)), "GBDW");
  EXPECT_EQ(taint_letters(bit(14) | bit(15) | bit(18)), "GLKN");
  EXPECT_EQ(taint_letters(bit(9) | bit(20)), "GW?");
}

TEST(TaintNames, VerboseKernelForm) {
  EXPECT_EQ(taint_names(0), "");
  EXPECT_EQ(taint_names(bit(9) | bit(13)), "[W]=WARN, [E]=UNSIGNED_MODULE");
  EXPECT_EQ(taint_names(bit(19)), "[?]=BIT_19");
}

TEST(NewlySet, OnlyFlagsThatWereClear) {
  EXPECT_EQ(newly_set(0, 0), 0u);
  EXPECT_EQ(newly_set(bit(9), bit(9)), 0u);
  EXPECT_EQ(newly_set(bit(12), bit(12) | bit(9)), bit(9));
  EXPECT_EQ(newly_set(bit(9) | bit(5), bit(9)), 0u);  // never cleared in practice
}

TEST(TaintFindings, WarnDuringInstanceIsAFinding) {
  auto found = taint_findings(bit(12) | bit(13), bit(12) | bit(13) | bit(9));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "taint");
  EXPECT_EQ(found[0].line,
            "kernel taint newly set: [W]=WARN (tainted 0x3000 -> 0x3200)");
}

TEST(TaintFindings, SeveralFlagsMakeOneFinding) {
  auto found = taint_findings(0, bit(5) | bit(7) | bit(9));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].line.find("[B]=BAD_PAGE, [D]=DIE, [W]=WARN"),
            std::string::npos);
}

TEST(TaintFindings, ModuleLoadingIsNot) {
  // insmod of the test VM's unsigned out-of-tree modules sets E and O.
  EXPECT_TRUE(taint_findings(0, bit(12) | bit(13)).empty());
  EXPECT_TRUE(taint_findings(0, bit(0) | bit(1) | bit(10) | bit(15)).empty());
  // A flag already set before the instance is not the instance's doing.
  EXPECT_TRUE(taint_findings(bit(9), bit(9)).empty());
}

TEST(ReadTaint, ReadsTheKernelValue) {
  EXPECT_NO_THROW(read_taint());
}

TEST(ReadTaint, ParsesDecimalAndRejectsGarbage) {
  char path[] = "/tmp/dt-taint-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  { std::ofstream(path) << "12800\n"; }
  EXPECT_EQ(read_taint(path), bit(9) | bit(12) | bit(13));
  { std::ofstream(path) << "0x200\n"; }
  EXPECT_THROW(read_taint(path), std::runtime_error);
  { std::ofstream(path) << ""; }
  EXPECT_THROW(read_taint(path), std::runtime_error);
  std::remove(path);
  EXPECT_THROW(read_taint(path), std::system_error);
}

}  // namespace
}  // namespace dt
