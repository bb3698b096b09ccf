// libFuzzer target: the kernel-log parser and classifier must never crash
// or hang on any byte sequence a console or /dev/kmsg can deliver.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/kernel_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dt::parse_kmsg_record(text);
  dt::parse_dmesg_line(text);
  auto records = dt::parse_kernel_log(text);
  dt::findings(records, dt::AllowList());
  dt::classify(text);
  return 0;
}
