// Instances x releases: each instance's verdict on every release of a sweep,
// and where it changed (the first failing release and the last passing one
// before it; the first passing one after a failure: a fix).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct ReleaseColumn {
  std::string version;                        // "7.3.4"
  std::map<std::string, Status> verdicts;     // instance -> status; missing: not run
  bool ran = true;                            // false: the release did not boot
};

// "first failing 6.17.8 (last passing 6.16.12)", "passes on every release",
// "fails on every release", "fixed in 7.2.6 (last failing 6.18.15)", ...
std::string verdict_change(const std::vector<ReleaseColumn>& columns, const std::string& instance);

// A Markdown table, rows in instance order, then each row's change.
std::string release_table_markdown(const std::vector<ReleaseColumn>& columns);

}  // namespace dt
