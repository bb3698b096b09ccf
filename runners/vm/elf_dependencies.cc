#include "runners/vm/elf_dependencies.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "core/command.h"
#include "core/errors.h"

namespace dt {

std::string elf_interpreter(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header) ||
      memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64)
    throw SetupError(file + " is not a 64-bit ELF file");
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&segment), sizeof segment))
      throw SetupError(file + ": truncated ELF program header");
    if (segment.p_type != PT_INTERP) continue;
    std::string interpreter(segment.p_filesz, '\0');
    in.seekg(static_cast<std::streamoff>(segment.p_offset));
    if (!in.read(interpreter.data(), static_cast<std::streamsize>(interpreter.size())))
      throw SetupError(file + ": truncated PT_INTERP");
    return interpreter.c_str();  // drops the terminating NUL
  }
  return "";
}

std::vector<std::string> parse_loader_list(const std::string& output) {
  // "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)",
  // "\t/lib64/ld-linux-x86-64.so.2 (0x...)", "\tlinux-vdso.so.1 (0x...)"
  // (the vDSO is the kernel's: no file), "\tlibx.so.1 => not found".
  std::vector<std::string> libraries;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    size_t arrow = line.find(" => ");
    if (arrow != std::string::npos) {
      std::string target = line.substr(arrow + 4);
      if (target.rfind("not found", 0) == 0) {
        libraries.push_back("not found:" + line.substr(start, arrow - start));
        continue;
      }
      libraries.push_back(target.substr(0, target.find(" (")));
    } else if (line[start] == '/') {
      libraries.push_back(line.substr(start, line.find(" (", start) - start));
    }
  }
  return libraries;
}

std::vector<std::string> elf_library_closure(const std::string& file) {
  std::string interpreter = elf_interpreter(file);
  if (interpreter.empty()) return {};
  // Only the loader runs, never the program: --list maps and relocates
  // nothing of it. Not for static files (the loader crashes on those).
  CommandResult listed = run_command({interpreter, "--list", file}, std::chrono::seconds(30));
  if (listed.exit_status != 0)
    throw SetupError("cannot list the libraries of " + file + " with " + interpreter + " (exit " +
                     std::to_string(listed.exit_status) + "): " + listed.output);
  std::vector<std::string> libraries = parse_loader_list(listed.output);
  for (const auto& library : libraries)
    if (library.rfind("not found:", 0) == 0)
      throw SetupError(file + " needs " + library.substr(10) + ", which its loader cannot find; "
                       "fix: install the package that provides it (apt-file search " +
                       library.substr(10) + ")");
  return libraries;
}

}  // namespace dt
