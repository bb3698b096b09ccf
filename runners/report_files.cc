#include "runners/report_files.h"

#include <sstream>

#include "core/text_file.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/kcidb.h"

namespace dt {

void write_report_files(const std::string& run_dir, const RunResult& run) {
  std::ostringstream html, junit;
  reports::write_html(html, {run}, "daxtorture " + run.info.run_id);
  write_file_atomically(run_dir + "/report.html", html.str());
  reports::write_junit(junit, run);
  write_file_atomically(run_dir + "/junit.xml", junit.str());
  write_file_atomically(run_dir + "/kcidb.json", reports::to_kcidb(run).dump(2) + "\n");
}

}  // namespace dt
