// A LAVA job log as lava-run writes it (one YAML flow mapping per line on
// its stderr) or as a lab serves it ('lavacli jobs logs --raw JOB', the
// job's output.yaml: the same lines, each prefixed "- "). Every line is
// {"dt": "...", "lvl": "...", "msg": ...} with double-quoted scalars;
// "target" lines are the guest's console, "results" lines the test cases.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dt::lava {

struct LavaCase {
  std::string definition;    // "0_daxtorture", or "lava" for LAVA's own actions
  std::string name;          // the case
  std::string result;        // pass, fail, skip, unknown
  std::string measurement;   // "" when none
  std::string units;
};

struct JobLog {
  std::string path;
  std::vector<std::string> console;     // the "target" lines, in order
  std::vector<LavaCase> cases;
  std::string job_result;               // LAVA's "job" case: pass, fail, or "" when the log stops before it
  std::string job_error;                // its error_msg, when it failed
  // Seconds of LAVA's own actions ("lava" cases with a duration), summed
  // by action name: apply-overlay-guest, login-action, 0_daxtorture, ...
  std::map<std::string, double> action_seconds;
  size_t unreadable_lines = 0;          // lines that are not LAVA entries (the cut last one)
};

// Parses the text of a log. Throws UsageError naming `path`, the line and
// the fix when the text is not a LAVA job log at all.
JobLog parse_job_log(const std::string& text, const std::string& path);

// One line's mapping as JSON (scalars as strings), or a discarded value
// when the line is not a flow mapping of double-quoted YAML.
nlohmann::json parse_flow_line(const std::string& line);

}  // namespace dt::lava
