// What the guest side of a LAVA job prints on the console for the host to
// collect later from the job log: LAVA keeps nothing of the guest but its
// console and the test cases it was told about, so the run's files travel
// in the log itself.
//
//   daxtorture-lava: plan SHARD SELECTION_KEY RUN_ID RELEASE   once, first
//   daxtorture-lava: planned NAME                         per instance of the shard
//   daxtorture-lava: file BYTES SHA256 PATH               a file of the run folder follows
//   daxtorture-lava: | BASE64                             its bytes, 57 per line
//   daxtorture-lava: end PATH                             the file is complete
//   daxtorture-lava: hung NAME BUDGET_S                   no result in time: stacks dumped, runner killed
//   daxtorture-lava: finished STATUS                      the runner exited
//
// PATH is relative to the run folder (run.json, instances/x~y~z/dmesg.txt).
// A file whose end line never came, or whose bytes do not hash to SHA256
// (a kernel message printed into a line), is reported, never used.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dt::lava {

inline constexpr const char* kLinePrefix = "daxtorture-lava: ";

// The LAVA test case name of an instance: its folder name
// ("workload~fs~variant", '/' would break the lab's result URLs) with
// "#N" of a repetition as ".repeatN".
std::string case_name(const std::string& instance_name);

// The console lines that carry one file.
std::vector<std::string> file_lines(const std::string& relative_path, const std::string& bytes);

std::string base64_encode(const std::string& bytes);
// nullopt when `text` is not base64.
std::optional<std::string> base64_decode(const std::string& text);

// A hash of the selection (the -t patterns in order), so that shards of
// different selections are not collected together.
std::string selection_key(const std::vector<std::string>& patterns);

}  // namespace dt::lava
