// libFuzzer target: the user-written files (machine profile, known-failure
// expectations, dmesg allow-list) either parse or are refused with a
// UsageError / runtime_error; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/errors.h"
#include "core/kernel_log.h"
#include "runners/results/expectations.h"
#include "runners/vm/machine_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0: dt::parse_machine_profile(text, "fuzz.profile"); break;
      case 1: {
        auto file = dt::parse_expectations(text, "fuzz.expect");
        file.covers("6.1.0-56-amd64");
        break;
      }
      case 2: dt::AllowList::parse(text, "fuzz-allow.txt"); break;
    }
  } catch (const dt::UsageError&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
