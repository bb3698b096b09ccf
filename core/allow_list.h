// Kernel lines known to be harmless: one regex (PCRE2 syntax) a line, '#'
// comments and blank lines skipped; format documented in
// vm-configs/dmesg-allow.txt. A finding whose line one of them matches is
// dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/regex.h"
#include "core/result.h"

namespace dt {

class AllowList {
 public:
  AllowList() = default;  // allows nothing

  // Throws std::runtime_error "FILE:LINE:COLUMN: problem; fix: ..." for an
  // unreadable file or a malformed regex (the column is where PCRE2 found
  // the problem).
  static AllowList load(const std::string& path);
  static AllowList parse(std::string_view text, const std::string& origin);

  bool allows(const KernelFinding& finding) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Regex> entries_;
};

}  // namespace dt
