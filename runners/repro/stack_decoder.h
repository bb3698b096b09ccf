// Decoding a kernel console excerpt to file:line with the kernel's own
// scripts/decode_stacktrace.sh and the vmlinux (and module objects) with
// debug info of Debian's -dbg package.
#pragma once

#include <string>
#include <vector>

namespace dt {

struct DecodedStack {
  std::string text;                // the excerpt, decoded where possible
  std::string note;                // one line: what could not be decoded and why; "" if all was
  std::vector<std::string> files;  // source files named by the decoded frames, most relevant first
};

// `debug_dir`: CACHE/kernels/PACKAGE/dbg (usr/lib/debug/...), "" or missing
// when the -dbg package was not fetched. `source_tree`: a kernel source
// tree of the same release, for decode_stacktrace.sh.
DecodedStack decode_stack(const std::string& excerpt, const std::string& release, const std::string& debug_dir,
                          const std::string& source_tree, const std::string& package);

// Source files a console line names itself ("mm/pgtable-generic.c:44: bad pud").
std::vector<std::string> files_named_in(const std::string& text);

}  // namespace dt
