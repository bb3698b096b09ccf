// libFuzzer target: the KTAP reader follows a guest's serial line, which
// may carry kernel noise and be cut anywhere; it must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reports/ktap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dt::reports::KtapReader reader;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Feed in two uneven chunks: a line may arrive split.
  size_t cut = size / 3;
  reader.feed(text.substr(0, cut));
  reader.feed(text.substr(cut));
  reader.finish();
  for (const auto& result : reader.results()) dt::reports::ktap_status(result);
  reader.missing();
  return 0;
}
