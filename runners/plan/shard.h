// `--shard K/N`: one of N deterministic, balanced parts of the selected
// instances, so that N machines can split one run. Balanced by expected
// duration (the workload's timeout, plus a fixed set-up cost per instance):
// the longest instances are dealt first, each to the part with the least
// expected time so far (ties: the lower part, then by name). Depends only
// on the selection, so the same command gives the same parts on every
// machine and every night, and the N parts together hold every instance once.
#pragma once

#include <string>
#include <vector>

#include "core/registry.h"

namespace dt {

struct Shard {
  int index = 1;  // K, 1-based
  int count = 1;  // N
};

// "K/N" with 1 <= K <= N; throws UsageError naming the fix otherwise.
Shard parse_shard(const std::string& text);

// The instances of part `shard`, in their original order.
std::vector<Instance> shard_instances(const std::vector<Instance>& instances, const Shard& shard);

}  // namespace dt
