// Derived views of a finished run for the people who maintain it: a
// Markdown table of every instance (verdict, the layout change's wait,
// all its evidence) for a report or a closing note, and the failures as a
// known-failures file to review and commit under vm-configs/expectations/.
#pragma once

#include <ostream>

#include "core/result.h"

namespace dt::reports {

// | instance | verdict | wait ms | release→return ms | evidence |
// The timing columns come from the change_wait and release_to_change_return
// metrics (the pin matrix); "" where an instance has none.
void write_markdown_table(std::ostream& out, const RunResult& run);

// "kernel: ^RELEASE$" and one "INSTANCE  STATUS  evidence (release)" line
// per failing instance; a starting point, to be reviewed before commit.
void write_known_failures(std::ostream& out, const RunResult& run);

// The first piece of evidence of a failing instance: its first check
// failure, else its reason, else its first kernel finding; one line.
std::string first_evidence(const InstanceResult& instance);

// Every piece of evidence, joined with <br> for a Markdown cell: each check
// failure (else the reason), then each kernel finding but taint changes
// (the finding that set the taint is listed already).
std::string all_evidence(const InstanceResult& instance);

}  // namespace dt::reports
