#include "runners/plan/shard.h"

#include <algorithm>
#include <numeric>

#include "core/errors.h"
#include "runners/plan/budget.h"

namespace dt {

namespace {
bool parse_positive(const std::string& text, int& value) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  value = std::stoi(text);
  return value > 0;
}
}  // namespace

Shard parse_shard(const std::string& text) {
  Shard shard;
  size_t slash = text.find('/');
  bool ok = slash != std::string::npos && parse_positive(text.substr(0, slash), shard.index) &&
            parse_positive(text.substr(slash + 1), shard.count) && shard.index <= shard.count;
  if (!ok)
    throw UsageError("--shard takes K/N, part K of N with 1 <= K <= N (e.g. --shard 2/3), not '" + text +
                     "'");
  return shard;
}

std::vector<Instance> shard_instances(const std::vector<Instance>& instances, const Shard& shard) {
  std::vector<size_t> order(instances.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::string> names;
  for (const auto& instance : instances) names.push_back(instance.name());
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    double da = budget::expected_seconds(instances[a]), db = budget::expected_seconds(instances[b]);
    return da != db ? da > db : names[a] < names[b];
  });
  std::vector<double> load(static_cast<size_t>(shard.count), 0);
  std::vector<bool> mine(instances.size(), false);
  for (size_t i : order) {
    size_t part = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[part] += budget::expected_seconds(instances[i]);
    mine[i] = part == static_cast<size_t>(shard.index - 1);
  }
  std::vector<Instance> selected;
  for (size_t i = 0; i < instances.size(); ++i)
    if (mine[i]) selected.push_back(instances[i]);
  return selected;
}

}  // namespace dt
