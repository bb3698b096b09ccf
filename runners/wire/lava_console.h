// The LAVA part of the guest -> host wire (runners/wire/README.md): what
// the guest side of a LAVA job prints on the console for the host to
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
//   daxtorture-lava: missing PATH                         a file the run should have written is not there
//   daxtorture-lava: note TEXT                            for people reading the log; no program reads it
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

// The writers: each returns one whole console line, prefix included.
std::string plan_line(const std::string& shard, const std::string& selection_key, const std::string& run_id,
                      const std::string& release);
std::string planned_line(const std::string& instance_name);
std::string hung_line(const std::string& instance_name, long budget_s);
std::string finished_line(int exit_status);
std::string missing_line(const std::string& relative_path);
std::string note_line(const std::string& text);

// One console line of the protocol, read.
struct LavaLine {
  enum class Kind { plan, planned, file, chunk, end, hung, finished };
  Kind kind;
  // plan: shard ("2/5"), selection key, run id, kernel release
  std::string shard, selection, run_id, release;
  std::string name;      // planned, hung
  std::string path;      // file, end
  std::string bytes;     // file: its size as written (the reader checks it)
  std::string sha256;    // file
  std::string chunk;     // chunk: base64 text
  std::string budget_s;  // hung
  int exit_status = -1;  // finished
};

// The one parser: nullopt for a console line that is not the protocol's (or
// is one of its lines for people: missing, note), or malformed.
std::optional<LavaLine> read_lava_line(const std::string& console_line);

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
