// Which kernel lines are findings, and of which kind: the strings printed
// by linux 6.1 and 6.12 for warnings, BUGs, oopses, hangs, sanitizer
// reports and the like (finding_patterns.cc names the printing function of
// each, so that a changed message can be found again).
#pragma once

#include <optional>
#include <string_view>

#include "core/result.h"

namespace dt {

// The finding kind of one line of kernel text, the most specific kind first
// ("BUG: KASAN: ..." is KASAN, not BUG). Multi-line text is checked line by
// line; the finding carries the line that matched. Linear in the text's
// length, for lines of any length.
std::optional<KernelFinding> classify(std::string_view text);

}  // namespace dt
