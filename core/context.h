// What a workload body sees of its instance: the prepared fixture and the
// means to report. Built by the runner in the forked child.
#pragma once

#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/name_table.h"
#include "core/registry.h"

namespace dt {

// The fixture state prepared for one instance. Fields not needed by the
// workload's spec are empty.
struct InstanceEnvironment {
  std::string mount_point;      // fsdax: the DAX mount
  std::string test_dir;         // fsdax: directory for the workload's files
                                // (xfs: extsize 2m, so extents are PMD-aligned)
  std::string pmem_device;      // fsdax: the block device under the mount
  std::string dax_device;       // devdax: the character device
  uint64_t dax_size = 0;        // devdax: usable bytes
  uint64_t dax_align = 0;       // devdax: mapping alignment
  std::string slow_device;      // slow block device, when the spec asks for it
  uint64_t slow_delay_ms = 0;   // how long each of its I/Os is held back
  uint64_t slow_size = 0;       // its size in bytes
  std::string artifacts_dir;    // the instance's folder, for extra evidence
  bool after_power_cut = false; // power_cut workloads: this is the second boot
};

// The console line that asks the host to cut the guest's power now (kill
// QEMU); the instance's name follows it.
inline constexpr const char* kPowerCutRequest = "daxtorture: cut the power now for ";

// The runner passes `--inject` faults to workload processes through this
// environment variable, as a comma-separated list.
inline constexpr const char* kInjectEnvironment = "DAXTORTURE_INJECT";

class Context {
 public:
  Context(const Instance& instance, InstanceEnvironment env)
      : instance_(instance), env_(std::move(env)) {}

  std::string name() const { return instance_.name(); }
  const std::string& fs() const { return instance_.fs; }
  const std::string& variant() const { return instance_.variant; }
  // The variant as the body's typed value (the table its spec's variants
  // come from; registration made sure it parses).
  template <typename Variant>
  Variant variant(const NameTable<Variant>& variants) const {
    return variants.parse_or_throw(variant());
  }
  const WorkloadSpec& spec() const { return instance_.workload->spec; }
  const InstanceEnvironment& env() const { return env_; }

  // Path of a file in the instance's test directory.
  std::string path(const std::string& file_name) const {
    return env_.test_dir + "/" + file_name;
  }

  // true when the run asked for this fault (see WorkloadSpec::injections),
  // named by the body's typed table, never by a string literal. BROKEN
  // (SetupError) when the spec does not declare the fault: it could never
  // be requested, and its check would prove nothing.
  template <typename Fault>
  bool injected(const NameTable<Fault>& faults, Fault fault) const {
    return injected(faults.name(fault));
  }

  void metric(const std::string& name, double value, const std::string& unit) const;
  void note(const std::string& text) const;
  // Ends the instance as SKIP: a precondition found at run time is not met.
  [[noreturn]] void skip(const std::string& reason) const;

  // power_cut workloads: false on the first boot, which ends in cut_power();
  // true on the boot after it, on the same filesystem, not made anew.
  bool after_power_cut() const { return env_.after_power_cut; }
  // Asks the host to kill QEMU and never returns. Nothing is synced first:
  // what the kernel has not made durable by now is lost, as in a power
  // failure. The kernel log carries the request to the console, which the
  // host watches.
  [[noreturn]] void cut_power() const;

 private:
  bool injected(const std::string& fault) const;

  const Instance& instance_;
  InstanceEnvironment env_;
};

}  // namespace dt
