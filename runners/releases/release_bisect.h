// `daxtorture bisect --releases FIRST..LAST`: the first packaged release
// whose verdict on the selected instances went bad (or, with --find-fix,
// good), with no build: each step fetches a release from Debian's archive
// and boots it. The releases are the whole kernels of the range, oldest
// first (release_list.h); FIRST is taken as good (bad with --find-fix) and
// LAST as bad, and an end is booted only when the answer rests on it, so N
// releases take at most ceil(log2 N) + 1 boots, plus one per release that
// cannot be judged.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runners/command_line/args.h"
#include "runners/bisect/bisect_step.h"

namespace dt {

int release_bisect_main(Args& args);

// The search itself over N releases, with JUDGE(i) booting release i
// (public for the unit test). Returns the index of the first release that
// is "after the change" (fails, or passes with find_fix), or -1 when the
// range holds no change, with *why saying so.
int bisect_releases(size_t count, const std::function<Outcome(size_t)>& judge, std::string* why);

}  // namespace dt
