// Decides which pmem region a run may reconfigure. This tool runs mkfs as
// root: it formats only what it created itself (the NVDIMM of its own VM,
// proven by a token on the guest's kernel command line) or a region the
// user named and explicitly confirmed.
#pragma once

#include <string>
#include <vector>

namespace dt {

struct RegionClaim {
  bool owned = false;          // the run may reconfigure `region`
  std::string region;          // "" = the first pmem region (VM guest only)
  std::string why;             // for the log: how ownership was established
};

// The guest side of `daxtorture vm`: the token must be on /proc/cmdline as
// daxtorture.vm=TOKEN. Throws UsageError otherwise.
RegionClaim claim_vm_region(const std::string& token);

// Host mode: the user named the region and passed --yes-destroy (or asked
// for a dry run). Refuses a region one of whose namespace devices (pmem
// block, devdax character) is mounted, open or mapped by a process, or held
// by device-mapper/md, and a region that is not pmem. Throws UsageError
// naming the problem and the fix.
RegionClaim claim_host_region(const std::string& region, bool confirmed);

// What a run on that region would do to it, one destructive step per line.
std::vector<std::string> destructive_steps(const RegionClaim& claim);

}  // namespace dt
