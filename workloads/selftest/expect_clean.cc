// Selftest: after selftest_leave_mess, an instance must find a fresh
// fixture: an empty filesystem, no process of an earlier instance, no mount
// inside the DAX mount, a slow device with nothing on it.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "core/check.h"
#include "core/context.h"
#include "core/text_file.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_expect_clean",
    .group = "selftest",
    .summary = "finds no trace of the previous instance in its fixture",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs"}, .slow_device = true,
              .slow_delay_ms = 10},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ctx.env().test_dir)) {
    ++entries;
    ctx.note("unexpected entry: " + entry.path().string());
  }
  DT_EXPECT(entries == 0) << "the test directory holds " << entries << " entries from before";

  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto comm = read_first_line(entry.path().string() + "/comm");
    DT_EXPECT(!comm || *comm != "dt-leftover")
        << "process " << entry.path().filename().string() << " of an earlier instance still runs";
  }

  std::string mounts = read_text_file("/proc/self/mounts").value_or("");
  std::string inside = " " + ctx.env().mount_point + "/";
  DT_EXPECT(mounts.find(inside) == std::string::npos)
      << "a mount inside " << ctx.env().mount_point << " survived: " << mounts;

  int dev = DT_SYS(open(ctx.env().slow_device.c_str(), O_RDONLY | O_CLOEXEC));
  std::vector<uint8_t> data(1 << 20);
  DT_SYS(pread(dev, data.data(), data.size(), 0));
  close(dev);
  size_t dirty = 0;
  for (uint8_t byte : data) dirty += byte != 0;
  DT_EXPECT(dirty == 0) << dirty << " bytes of the slow device hold data from before";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
