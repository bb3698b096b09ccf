#include "workloads/lib/dax_trace.h"

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace dt::workloads {

namespace {
std::string tracefs_root() {
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (access((std::string(root) + "/instances").c_str(), F_OK) == 0) return root;
  throw SetupError("tracefs is not mounted (no /sys/kernel/tracing/instances); fix: mount -t "
                   "tracefs tracefs /sys/kernel/tracing");
}
}  // namespace

DaxTrace::DaxTrace(const std::string& event)
    // Only this process's faults: the runner and fixtures fault too.
    : DaxTrace(event, "common_pid == " + std::to_string(getpid())) {}

DaxTrace::DaxTrace(const std::string& event, unsigned long inode)
    : DaxTrace(event, "ino == " + std::to_string(inode)) {}

DaxTrace::DaxTrace(const std::string& event, const std::string& filter) : event_(event) {
  std::string root = tracefs_root();
  instance_dir_ = root + "/instances/daxtorture-" + std::to_string(getpid());
  if (mkdir(instance_dir_.c_str(), 0755) != 0 && errno != EEXIST)
    throw SetupError("cannot create tracing instance " + instance_dir_);
  std::string event_dir = instance_dir_ + "/events/fs_dax/" + event;
  if (access(event_dir.c_str(), F_OK) != 0) {
    rmdir(instance_dir_.c_str());
    throw SetupError("the kernel has no fs_dax:" + event + " tracepoint (" + event_dir + ")");
  }
  write_text_file(event_dir + "/filter", filter);
  write_text_file(event_dir + "/enable", "1");
  write_text_file(instance_dir_ + "/trace", "");
}

DaxTrace::~DaxTrace() {
  try {
    write_text_file(instance_dir_ + "/events/fs_dax/" + event_ + "/enable", "0");
  } catch (...) {
  }
  rmdir(instance_dir_.c_str());
}

DaxTraceTally DaxTrace::collect() const {
  return tally(read_text_file(instance_dir_ + "/trace").value_or(""), event_);
}

void DaxTrace::save(const std::string& path) const {
  write_text_file(path, read_text_file(instance_dir_ + "/trace").value_or(""));
}

DaxTraceTally DaxTrace::tally(const std::string& trace_text, const std::string& event) {
  DaxTraceTally tally;
  std::istringstream lines(trace_text);
  std::string line;
  const std::string marker = " " + event + ":";
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line.find(marker) == std::string::npos) continue;
    ++tally.events;
    // The result is printed last, as VM_FAULT flag names joined by '|'.
    std::string result = line.substr(line.find_last_of(' ') + 1);
    if (result.find("NEEDDSYNC") != std::string::npos) ++tally.needdsync;
    if (result.find("FALLBACK") != std::string::npos) {
      ++tally.fallback;
      if (tally.fallback_lines.size() < 3)
        tally.fallback_lines.push_back(line.substr(line.find_first_not_of(' ')));
    } else if (result.find("NOPAGE") != std::string::npos) {
      ++tally.nopage;
    }
  }
  return tally;
}

}  // namespace dt::workloads
