#include "workloads/pin_matrix/free_space.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"

namespace dt::workloads {

void leave_free_space(Context& ctx, uint64_t spare) {
  struct statvfs fs {};
  DT_SYS(statvfs(ctx.env().test_dir.c_str(), &fs));
  uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes > spare + kPmdSize) {
    uint64_t ballast = (free_bytes - spare) & ~(kPmdSize - 1);
    int fd = DT_SYS(open(ctx.path("ballast").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    while (ballast > kPmdSize && fallocate(fd, 0, 0, static_cast<off_t>(ballast)) != 0) {
      if (errno != ENOSPC) report_broken_call(__FILE__, __LINE__, "fallocate(ballast)", errno);
      ballast -= 4 * kPmdSize;
    }
    close(fd);
    DT_SYS(statvfs(ctx.env().test_dir.c_str(), &fs));
  }
  ctx.metric("free_space_after_ballast",
             static_cast<double>(static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize) / (1 << 20), "MiB");
}

}  // namespace dt::workloads
