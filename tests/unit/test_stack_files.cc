// Which source files a report asks scripts/get_maintainer.pl about: those a
// console line names itself ("mm/pgtable-generic.c:44: bad pud") and those
// of decoded frames, each once, in order, without the frames every stack
// passes through (workqueue, kthread, entry code).
#include <gtest/gtest.h>

#include "runners/repro/stack_decoder.h"

namespace dt {
namespace {

TEST(StackFiles, ALineThatNamesItsFile) {
  EXPECT_EQ(files_named_in("[   15.418043] mm/pgtable-generic.c:44: bad pud 0000000078343363(80000001400008e7)\n"),
            std::vector<std::string>{"mm/pgtable-generic.c"});
}

TEST(StackFiles, DecodedFramesOnceInOrderWithoutGenericOnes) {
  const std::string decoded =
      "[ 12.477442] RIP: 0010:brd_submit_bio (drivers/block/brd.c:163 (discriminator 3) "
      "drivers/block/brd.c:214 (discriminator 3)) brd\n"
      "[ 12.480077]  submit_bio_noacct_nocheck (block/blk-core.c:724 block/blk-core.c:792)\n"
      "[ 12.480178] flush_delayed_bios (drivers/md/dm-delay.c:81 drivers/md/dm-delay.c:127) dm_delay\n"
      "[ 12.480304]  process_one_work (kernel/workqueue.c:3396)\n"
      "[ 12.481087]  ret_from_fork_asm (arch/x86/entry/entry_64.S:245)\n";
  EXPECT_EQ(files_named_in(decoded), (std::vector<std::string>{"drivers/block/brd.c", "drivers/md/dm-delay.c"}));
}

TEST(StackFiles, AnUndecodedStackNamesNone) {
  EXPECT_TRUE(files_named_in("[ 46.615142]  brd_submit_bio+0x28c/0x730 [brd]\n").empty());
}

}  // namespace
}  // namespace dt
