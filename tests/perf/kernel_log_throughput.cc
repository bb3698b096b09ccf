// How fast the kernel-log classifier reads a console log, and whether it
// survives long lines. Prints figures; asserts nothing (a timed test on a
// shared machine would be flaky). Not run by ctest.
//
// usage: kernel_log_throughput [CONSOLE_LOG [ALLOW_LIST [MEGABYTES]]]
//   CONSOLE_LOG  a real console or dmesg log, repeated until MEGABYTES
//                (default 32) are read; without one, the seed corpus's
//                console log of tests/fuzz/corpus/kernel_log
//   ALLOW_LIST   default vm-configs/dmesg-allow.txt
// Each long-line case runs in a child process, so a crash is reported as
// the signal that ended it instead of ending the program.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/kernel_log.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fprintf(stderr, "kernel_log_throughput: cannot read %s\n", path.c_str());
    exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One line of `length` bytes in a dmesg record, classified in a child.
void long_line_case(size_t length, const dt::AllowList& allow) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    std::string line = "[   12.345678] " + std::string(length, 'a') + "\n";
    auto start = std::chrono::steady_clock::now();
    auto found = dt::findings(dt::parse_kernel_log(line), allow);
    printf("long line %9zu bytes: survived, %zu findings, %.3f s\n", length, found.size(),
           seconds_since(start));
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    printf("long line %9zu bytes: CRASHED (%s)\n", length, strsignal(WTERMSIG(status)));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string top = DAXTORTURE_SOURCE_DIR;
  std::string log = read_file(argc > 1 ? argv[1] : top + "/tests/fuzz/corpus/kernel_log/console-6.12.txt");
  auto allow = dt::AllowList::load(argc > 2 ? argv[2] : top + "/vm-configs/dmesg-allow.txt");
  const size_t megabytes = argc > 3 ? std::stoul(argv[3]) : 32;

  std::string text;
  while (text.size() < megabytes << 20) text += log;
  size_t lines = 0;
  for (char c : text) lines += c == '\n';

  auto start = std::chrono::steady_clock::now();
  auto records = dt::parse_kernel_log(text);
  double parse_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  auto found = dt::findings(records, allow);
  double classify_s = seconds_since(start);
  double mb = static_cast<double>(text.size()) / 1e6;
  printf("console log: %.1f MB, %zu lines, %zu records, %zu findings\n", mb, lines, records.size(),
         found.size());
  printf("parse:    %.3f s, %.1f MB/s\n", parse_s, mb / parse_s);
  printf("classify: %.3f s, %.1f MB/s (findings + allow-list)\n", classify_s, mb / classify_s);
  printf("total:    %.1f MB/s\n", mb / (parse_s + classify_s));
  for (size_t length : {size_t(1) << 10, size_t(200) << 10, size_t(1) << 20, size_t(16) << 20})
    long_line_case(length, allow);
  return 0;
}
