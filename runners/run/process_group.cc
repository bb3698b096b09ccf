#include "runners/run/process_group.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "core/text_file.h"

namespace dt {

namespace {
// /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces or
// parentheses, so parse from the last ')'.
struct StatFields {
  std::string comm;
  char state = '?';
  pid_t ppid = -1;
  pid_t pgrp = -1;
};

bool read_stat(const std::string& path, StatFields& fields) {
  auto text = read_text_file(path);
  if (!text) return false;
  size_t open = text->find('(');
  size_t close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  fields.comm = text->substr(open + 1, close - open - 1);
  std::istringstream rest(text->substr(close + 1));
  rest >> fields.state >> fields.ppid >> fields.pgrp;
  return static_cast<bool>(rest);
}

std::vector<std::string> task_ids(pid_t pid) {
  std::vector<std::string> tids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid) + "/task", error))
    tids.push_back(entry.path().filename());
  return tids;
}

template <typename Predicate>
std::vector<pid_t> processes_where(Predicate wanted) {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    if (name.empty() || !isdigit(static_cast<unsigned char>(name[0]))) continue;
    StatFields fields;
    if (read_stat(entry.path().string() + "/stat", fields) && wanted(fields))
      pids.push_back(std::stoi(name));
  }
  return pids;
}
}  // namespace

std::vector<pid_t> processes_in_group(pid_t pgid) {
  return processes_where([pgid](const StatFields& fields) { return fields.pgrp == pgid; });
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

size_t kill_and_reap_children() {
  pid_t self = getpid();
  size_t killed = 0;
  // Killing a child can re-parent its own children to us: repeat until none.
  for (int round = 0; round < 20; ++round) {
    auto children = processes_where([self](const StatFields& fields) { return fields.ppid == self; });
    if (children.empty()) break;
    for (pid_t child : children) kill(child, SIGKILL);
    for (pid_t child : children) {
      for (int i = 0; i < 200 && waitpid(child, nullptr, WNOHANG) == 0; ++i) usleep(10 * 1000);
    }
    killed += children.size();
  }
  return killed;
}

std::string describe_tasks(const std::vector<pid_t>& pids) {
  std::ostringstream out;
  for (pid_t pid : pids) {
    for (const auto& tid : task_ids(pid)) {
      std::string base = "/proc/" + std::to_string(pid) + "/task/" + tid;
      StatFields fields;
      if (!read_stat(base + "/stat", fields)) continue;
      out << "task " << pid << "/" << tid << " (" << fields.comm << ") state " << fields.state;
      if (auto wchan = read_first_line(base + "/wchan"); wchan && !wchan->empty() && *wchan != "0")
        out << " wchan " << *wchan;
      out << "\n";
      auto stack = read_text_file(base + "/stack");
      out << (stack && !stack->empty() ? *stack : "  (kernel stack not readable)\n");
    }
  }
  return out.str();
}

bool any_task_uninterruptible(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids)
    for (const auto& tid : task_ids(pid)) {
      StatFields fields;
      if (read_stat("/proc/" + std::to_string(pid) + "/task/" + tid + "/stat", fields) &&
          fields.state == 'D')
        return true;
    }
  return false;
}

void kill_group(pid_t pgid) {
  if (pgid > 1) kill(-pgid, SIGKILL);
}

}  // namespace dt
