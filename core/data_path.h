// The files daxtorture ships beside its binary: vm-configs/, the guest-image
// scripts, tools/fetch-kernel, the LAVA validator, the fault module's source.
// Every lookup of such a file goes through data_path(); no other code knows
// where the tool was built or installed (the build's source path is not
// visible to the rest of the project, so a new call site cannot reach for it).
//
//   data_path("vm-configs/default.profile")
//
// The data folder, in this order:
//   installed   PREFIX/bin/daxtorture  ->  PREFIX/share/daxtorture
//               (the guest image lays out /usr/bin and /usr/share the same way)
//   build tree  a binary under the build folder  ->  the source tree it was
//               built from; after the tree moved, the source tree that holds
//               the build folder
// Nothing found: UsageError naming the folder looked in and how to install.
#pragma once

#include <string>

namespace dt {

// ROOT/relative, where ROOT is the data folder (resolved once per process).
std::string data_path(const std::string& relative);
// The data folder itself.
const std::string& data_root();

}  // namespace dt
