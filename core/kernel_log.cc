#include "core/kernel_log.h"

#include <utility>

namespace dt {

std::vector<KernelFinding> findings(const std::vector<KmsgRecord>& records,
                                    const AllowList& allow) {
  std::vector<KernelFinding> found;
  for (const KmsgRecord& record : records) {
    if (record.facility > 0) continue;
    auto finding = classify(record.text);
    if (finding && !allow.allows(*finding)) found.push_back(std::move(*finding));
  }
  return found;
}

size_t overlong_regex_number(std::string_view re) {
  size_t run = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    run = (re[i] >= '0' && re[i] <= '9') ? run + 1 : 0;
    if (run > 9) return i + 1 - run;
  }
  return std::string_view::npos;
}

}  // namespace dt
