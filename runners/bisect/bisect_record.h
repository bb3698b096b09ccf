// The bisect folder's record of its steps: steps.tsv (one line per step,
// read back by --resume), steps.txt (the table for people) and summary.txt.
#pragma once

#include <string>
#include <vector>

#include "runners/bisect/bisect_step.h"

namespace dt {

void append_step(const std::string& bisect_dir, const StepResult& step);
std::vector<StepResult> load_steps(const std::string& bisect_dir);
// steps.txt: commit, subject, build s, boot+run s, verdict, note.
std::string steps_table(const std::vector<StepResult>& steps, bool find_fix);

// "good"/"bad" for a bisect, "fixed"/"broken" for --find-fix.
std::string verdict_word(Outcome outcome, bool find_fix);

// ceil(log2 N) + 1: the boots a bisect of N commits may take without skips.
int boot_bound(long commits);

}  // namespace dt
