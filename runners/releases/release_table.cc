#include "runners/releases/release_table.h"

#include <set>
#include <sstream>

namespace dt {

namespace {
enum class Seen { none, passes, fails, other };

Seen seen_on(const ReleaseColumn& column, const std::string& instance) {
  auto it = column.verdicts.find(instance);
  if (it == column.verdicts.end()) return Seen::none;
  if (it->second == Status::pass) return Seen::passes;
  return status_blames_kernel(it->second) ? Seen::fails : Seen::other;
}
}  // namespace

std::string verdict_change(const std::vector<ReleaseColumn>& columns, const std::string& instance) {
  int first_fail = -1, last_pass_before = -1, fix = -1, last_fail_before_fix = -1, first_other = -1;
  int others = 0;
  bool any_pass = false, any_fail = false;
  for (size_t i = 0; i < columns.size(); ++i) {
    Seen seen = seen_on(columns[i], instance);
    if (seen == Seen::passes) {
      any_pass = true;
      if (first_fail < 0) last_pass_before = static_cast<int>(i);
      else if (fix < 0) fix = static_cast<int>(i);
    } else if (seen == Seen::other) {
      if (others++ == 0) first_other = static_cast<int>(i);
    } else if (seen == Seen::fails) {
      any_fail = true;
      if (first_fail < 0) first_fail = static_cast<int>(i);
      if (fix < 0) last_fail_before_fix = static_cast<int>(i);
    }
  }
  // BROKEN or SKIP judge no release: said apart, never read as a pass.
  const std::string unjudged = others == 0 ? "" : "; no verdict (BROKEN or SKIP) on " + std::to_string(others) +
                                                  " release(s), from " + columns[first_other].version;
  if (!any_fail) return (any_pass ? "passes wherever it had a verdict" : "no verdict on any release") + unjudged;
  if (!any_pass) return "fails wherever it had a verdict" + unjudged;
  std::string text;
  if (last_pass_before >= 0)
    text = "first failing " + columns[first_fail].version + " (last passing " + columns[last_pass_before].version + ")";
  else
    text = "fails from the oldest, " + columns[first_fail].version;
  if (fix >= 0)
    text += "; first passing again " + columns[fix].version + " (last failing " +
            columns[last_fail_before_fix].version + ")";
  return text + unjudged;
}

std::string release_table_markdown(const std::vector<ReleaseColumn>& columns) {
  std::vector<std::string> instances;
  std::set<std::string> known;
  for (const auto& column : columns)
    for (const auto& [name, status] : column.verdicts)
      if (known.insert(name).second) instances.push_back(name);
  std::ostringstream out;
  out << "| instance |";
  for (const auto& column : columns) out << " " << column.version << (column.ran ? "" : " (no boot)") << " |";
  out << " change |\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) out << "---|";
  out << "---|\n";
  for (const auto& name : instances) {
    out << "| " << name << " |";
    for (const auto& column : columns) {
      auto it = column.verdicts.find(name);
      out << " " << (it == column.verdicts.end() ? "-" : status_name(it->second)) << " |";
    }
    out << " " << verdict_change(columns, name) << " |\n";
  }
  return out.str();
}

}  // namespace dt
