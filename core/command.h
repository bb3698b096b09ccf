// Running the external programs the fixtures need (mkfs, modprobe, dmsetup,
// xfs_io). Output is captured so a failure can be reported with what the
// program said.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace dt {

struct CommandResult {
  int exit_status = -1;      // -1 when killed by a signal or not started
  int killed_by = 0;         // the signal that ended it, or 0
  std::string output;        // stdout and stderr, interleaved
  bool timed_out = false;
  std::chrono::seconds timeout{0};
};

// Why a command failed, for a reason line: "exit status 1: <end of its
// output>", "killed by SIGSEGV: ...", "timed out after 60 s: ...", with
// "(no output)" when it printed nothing. Never empty.
std::string describe_failure(const CommandResult& result);

// Runs argv[0] (searched in PATH) with the given arguments and environment
// additions ("NAME=value"). Never throws for a failing program; throws
// SetupError when the program does not exist, naming the Debian package
// that provides it when known.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::seconds timeout = std::chrono::seconds(120),
                          const std::vector<std::string>& extra_env = {});

// run_command that throws SetupError unless the program exits 0; the error
// names the command and quotes the end of its output.
std::string run_checked(const std::vector<std::string>& argv,
                        std::chrono::seconds timeout = std::chrono::seconds(120),
                        const std::vector<std::string>& extra_env = {});

// "mkfs.xfs -f /dev/pmem0", for messages.
std::string join_command(const std::vector<std::string>& argv);

// true when the program is found in PATH (or is an executable path).
bool program_available(const std::string& program);

// Where PATH finds it ("" when nowhere).
std::string program_path(const std::string& program);

// Which Debian package ships a program the tool runs ("" when unknown).
std::string package_for_program(const std::string& program);

}  // namespace dt
