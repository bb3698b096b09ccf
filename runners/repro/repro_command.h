// 'daxtorture repro': a reproducer bundle of a failing instance or of a
// finding's standalone C reproducer, and the upstream report draft.
#pragma once

namespace dt {

class Args;
extern const char* const kReproHelp;
int repro_main(Args& args);

}  // namespace dt
