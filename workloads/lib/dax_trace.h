// Counts fs_dax tracepoint results for this process, in a tracing instance
// of its own so that nothing else on the machine shares or clears its
// buffer. This is the proof of fault size: minor-fault counts say how many
// faults there were, dax_pmd_fault_done says whether each was served huge
// (NOPAGE) or fell back to 4 KiB (FALLBACK).
#pragma once

#include <string>
#include <vector>

namespace dt::workloads {

struct DaxTraceTally {
  size_t events = 0;
  size_t nopage = 0;
  size_t fallback = 0;
  size_t needdsync = 0;   // MAP_SYNC: metadata had to be synced before the
                          // PFN could be mapped writable
  std::vector<std::string> fallback_lines;   // the first few, as evidence
};

class DaxTrace {
 public:
  // event: "dax_pmd_fault_done", "dax_pmd_load_hole", ... (system fs_dax).
  // Throws SetupError when tracefs or the event is missing.
  explicit DaxTrace(const std::string& event);
  // Faults on one file (by inode number) from every thread and process,
  // for workloads whose faults come from threads of their own.
  DaxTrace(const std::string& event, unsigned long inode);
  ~DaxTrace();
  DaxTrace(const DaxTrace&) = delete;
  DaxTrace& operator=(const DaxTrace&) = delete;

  DaxTraceTally collect() const;
  // Saves the raw trace next to the instance's other evidence.
  void save(const std::string& path) const;

  // Parses trace text (exposed for unit tests).
  static DaxTraceTally tally(const std::string& trace_text, const std::string& event);

 private:
  DaxTrace(const std::string& event, const std::string& filter);

  std::string instance_dir_;
  std::string event_;
};

}  // namespace dt::workloads
