// The one progress line of parallel guests.
#include <gtest/gtest.h>

#include "runners/results/progress.h"

namespace dt {
namespace {

TEST(GuestsProgress, NamesEveryGuestAndWhatIsLeft) {
  GuestsProgress progress(5, 2, /*quiet=*/true);
  progress.started(0, "a/xfs/4k");
  progress.started(1, "b/ext4/4k");
  progress.finished(1, "b/ext4/4k", Status::pass);
  EXPECT_EQ(progress.line(83, 1, "PASS b/ext4/4k"), "1:23 g2: PASS b/ext4/4k (1/5 done, 4 left; g1: a/xfs/4k)");
  progress.judged(-1, "d", Status::broken);
  EXPECT_EQ(progress.line(3700, 0, "running c"), "1:01:40 g1: running c (2/5 done, 3 left; g2: idle)");
  GuestsProgress one(3, 1, true);
  EXPECT_EQ(one.line(5, 0, "running a"), "0:05 running a (0/3 done, 3 left)");
}

}  // namespace
}  // namespace dt
