// The filesystem types an instance may ask for, and the mkfs line each gets:
// the variant decides which kernel path a workload reaches (reflink's CoW,
// the reverse map's memory-failure handler), so a wrong option silently
// turns an instance into a copy of another.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures/dax_filesystem.h"

namespace dt::fixtures {
namespace {

bool has_word(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

TEST(DaxFilesystem, EveryXfsVariantMountsAsXfs) {
  for (const char* type : {"xfs", "xfs-reflink", "xfs-rmap"}) {
    EXPECT_TRUE(DaxFilesystem::supported(type)) << type;
    EXPECT_EQ(DaxFilesystem::kernel_type(type), "xfs") << type;
  }
  EXPECT_EQ(DaxFilesystem::kernel_type("ext4"), "ext4");
  EXPECT_FALSE(DaxFilesystem::supported("btrfs"));
  EXPECT_FALSE(DaxFilesystem::supported("xfs-rmapbt"));
}

TEST(DaxFilesystem, EachXfsVariantGetsItsOwnMetadataOptions) {
  const auto plain = DaxFilesystem::mkfs_command("xfs", "/dev/pmem0");
  const auto reflink = DaxFilesystem::mkfs_command("xfs-reflink", "/dev/pmem0");
  const auto rmap = DaxFilesystem::mkfs_command("xfs-rmap", "/dev/pmem0");
  EXPECT_EQ(plain.front(), "mkfs.xfs");
  EXPECT_EQ(rmap.front(), "mkfs.xfs");
  EXPECT_TRUE(has_word(plain, "reflink=0"));
  EXPECT_TRUE(has_word(reflink, "reflink=1"));
  // rmapbt without reflink: DAX on a reflink-capable xfs is refused before 6.0.
  EXPECT_TRUE(has_word(rmap, "reflink=0,rmapbt=1"));
  for (const auto& argv : {plain, reflink, rmap}) {
    EXPECT_TRUE(has_word(argv, "su=2m,sw=1")) << "PMD-aligned extents for every variant";
    EXPECT_EQ(argv.back(), "/dev/pmem0");
  }
}

TEST(DaxFilesystem, Ext4GetsFourKiBBlocksAndPmdStripes) {
  const auto argv = DaxFilesystem::mkfs_command("ext4", "/dev/pmem1");
  EXPECT_EQ(argv.front(), "mkfs.ext4");
  EXPECT_TRUE(has_word(argv, "stride=512,stripe_width=512"));
  EXPECT_EQ(argv.back(), "/dev/pmem1");
}

}  // namespace
}  // namespace dt::fixtures
