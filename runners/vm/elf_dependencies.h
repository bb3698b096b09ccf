// The shared libraries an ELF program loads, as its own dynamic loader
// resolves them (DT_NEEDED, transitively, through RUNPATH and the loader's
// search path): what a self-contained guest image must carry beside it.
#pragma once

#include <string>
#include <vector>

namespace dt {

// The program interpreter named in PT_INTERP ("/lib64/ld-linux-x86-64.so.2"),
// or "" for a static executable. Throws SetupError when the file is not a
// readable 64-bit ELF file.
std::string elf_interpreter(const std::string& file);

// Paths of the libraries `file` needs, the interpreter included, as the
// interpreter itself resolves them (`INTERP --list FILE`, which maps the
// libraries without running the program). Empty for a static executable.
// Throws SetupError naming the library when one is not found.
std::vector<std::string> elf_library_closure(const std::string& file);

// Parses the loader's `--list` output; exposed for unit tests. A library
// the loader did not find becomes "not found:NAME".
std::vector<std::string> parse_loader_list(const std::string& output);

}  // namespace dt
