// Writes the human and machine reports of a finished run next to run.json:
// report.html, junit.xml, kcidb.json.
#pragma once

#include <string>

#include "core/result.h"

namespace dt {

void write_report_files(const std::string& run_dir, const RunResult& run);

}  // namespace dt
