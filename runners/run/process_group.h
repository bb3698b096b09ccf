// Inspecting and ending a workload instance's process group: who is still
// there, where each task sits in the kernel, and killing them all.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace dt {

// Every process whose process group is pgid (scans /proc).
std::vector<pid_t> processes_in_group(pid_t pgid);

// For each task of each process: pid/tid, comm, scheduler state and its
// kernel stack from /proc/PID/task/TID/stack. This is the evidence for a
// hang: a task in D state with its stack shows where the kernel waits.
std::string describe_tasks(const std::vector<pid_t>& pids);

// true when any task of the processes is in uninterruptible sleep (D).
bool any_task_uninterruptible(const std::vector<pid_t>& pids);

// SIGKILL to the whole group.
void kill_group(pid_t pgid);

// Makes this process the reaper of orphaned descendants, so that a workload
// process that escaped its group (setsid) is re-parented here when its
// parent dies, and can still be found and killed.
void become_subreaper();
// Kills and reaps every child of this process; returns how many there were.
size_t kill_and_reap_children();

}  // namespace dt
