// The report draft of a failing instance: a plain-text mail in the form the
// kernel's lists expect (see 'daxtorture repro --help').
#pragma once

#include <string>

namespace dt {

void write_upstream_report(const std::string& instance_dir, const std::string& finding_dir,
                           const std::string& source_tree, const std::string& output);

}  // namespace dt
