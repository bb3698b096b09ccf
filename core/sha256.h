// SHA-256 of a byte string as lowercase hex: keys the build cache by the
// exact .config and uncommitted diff (no crypto library is a dependency).
#pragma once

#include <string>

namespace dt {

std::string sha256_hex(const std::string& bytes);

}  // namespace dt
