// The guest image's parts that read other programs' output, and the failure
// text of a command that did not work.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/command.h"
#include "core/errors.h"
#include "runners/kernel/debian_packages.h"
#include "runners/vm/elf_dependencies.h"
#include "runners/vm/guest_image.h"

namespace dt {
namespace {

TEST(LoaderList, KeepsResolvedPathsAndTheLoader) {
  auto libraries = parse_loader_list(
      "\tlinux-vdso.so.1 (0x00007ffd)\n"
      "\tlibblkid.so.1 => /lib/x86_64-linux-gnu/libblkid.so.1 (0x00007fda0d792000)\n"
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fda0d597000)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007fda0d867000)\n");
  ASSERT_EQ(libraries.size(), 3u);
  EXPECT_EQ(libraries[0], "/lib/x86_64-linux-gnu/libblkid.so.1");
  EXPECT_EQ(libraries[2], "/lib64/ld-linux-x86-64.so.2");
}

TEST(LoaderList, NamesWhatIsMissing) {
  auto libraries = parse_loader_list("\tlibinih.so.1 => not found\n");
  ASSERT_EQ(libraries.size(), 1u);
  EXPECT_EQ(libraries[0], "not found:libinih.so.1");
}

TEST(ElfFiles, InterpreterOfDynamicAndStaticPrograms) {
  EXPECT_EQ(elf_interpreter("/proc/self/exe"), "/lib64/ld-linux-x86-64.so.2");
  EXPECT_THROW(elf_interpreter("/etc/passwd"), SetupError);
  // This test program links libstdc++ and libc; the loader must list both.
  auto libraries = elf_library_closure(std::filesystem::read_symlink("/proc/self/exe"));
  bool libc = false, libstdcxx = false;
  for (const auto& library : libraries) {
    libc |= library.find("/libc.so.6") != std::string::npos;
    libstdcxx |= library.find("/libstdc++.so.6") != std::string::npos;
  }
  EXPECT_TRUE(libc && libstdcxx);
}

TEST(DpkgSearch, PackagesWithoutArchitecture) {
  auto packages = parse_dpkg_search(
      "xfsprogs: /sbin/mkfs.xfs\n"
      "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6\n"
      "dpkg-query: no path found matching pattern /usr/sbin/mkfs.xfs\n"
      "diversion by foo from: /bin/x\n"
      "libgcc-s1:amd64, gcc-12-base:amd64: /usr/share/doc/x\n");
  EXPECT_EQ(packages, (std::vector<std::string>{"gcc-12-base", "libc6", "libgcc-s1", "xfsprogs"}));
  EXPECT_EQ(format_package_versions({{"kmod", "30"}, {"busybox-static", "1:1.35"}}),
            "busybox-static=1:1.35 kmod=30");
}

TEST(GuestImage, ModulesOfTheFixturesAndWorkloads) {
  auto names = guest_module_names();
  for (const char* module : {"dm-delay", "brd", "xfs", "ext4", "nd_pmem", "9p", "kmem"})
    EXPECT_NE(std::find(names.begin(), names.end(), module), names.end()) << module;
}

TEST(CommandFailure, StatusAndOutputAlwaysSaid) {
  CommandResult failed = run_command({"sh", "-c", "echo 'modprobe: FATAL: Module x not found' >&2; exit 1"});
  EXPECT_EQ(describe_failure(failed), "exit status 1: modprobe: FATAL: Module x not found");
  CommandResult silent = run_command({"sh", "-c", "exit 3"});
  EXPECT_EQ(describe_failure(silent), "exit status 3: (no output)");
  CommandResult killed = run_command({"sh", "-c", "kill -SEGV $$"});
  EXPECT_EQ(describe_failure(killed), "killed by SIGSEGV: (no output)");
  CommandResult slow = run_command({"sleep", "5"}, std::chrono::seconds(1));
  EXPECT_EQ(describe_failure(slow), "timed out after 1 s: (no output)");
}

TEST(CommandFailure, ExecFailureIsExplained) {
  // Found in PATH but not executable as it stands: a script whose
  // interpreter is gone (what a package upgrade can leave for a moment).
  std::string script = testing::TempDir() + "/dt-no-interpreter";
  std::ofstream(script) << "#!/nonexistent/interpreter\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  CommandResult result = run_command({script});
  EXPECT_EQ(result.exit_status, 127);
  EXPECT_NE(describe_failure(result).find("cannot execute " + script + ": No such file or directory"),
            std::string::npos)
      << describe_failure(result);
  std::filesystem::remove(script);
}

}  // namespace
}  // namespace dt

namespace dt {
namespace {

// Every program the guest side runs by name must be in the image: scan the
// sources that run in the guest for run_command/run_checked({"NAME", ...}).
TEST(GuestBinary, ThisBinaryUnlessTheVariableNamesAnother) {
  unsetenv(kGuestBinaryVariable);
  EXPECT_EQ(guest_binary(), std::filesystem::read_symlink("/proc/self/exe").string());
  // Through a symlink: the image records the file itself.
  std::string link = std::filesystem::temp_directory_path() / ("guest-binary-" + std::to_string(getpid()));
  std::filesystem::create_symlink("/bin/true", link);
  setenv(kGuestBinaryVariable, link.c_str(), 1);
  EXPECT_EQ(guest_binary(), std::filesystem::canonical("/bin/true").string());
  std::filesystem::remove(link);
  unsetenv(kGuestBinaryVariable);
}

TEST(GuestBinary, ANonExecutableIsAUsageErrorThatNamesTheVariable) {
  setenv(kGuestBinaryVariable, "/etc/hostname-not-a-binary", 1);
  try {
    guest_binary();
    ADD_FAILURE() << "no error for a missing binary";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("DAXTORTURE_GUEST_BINARY=/etc/hostname-not-a-binary"), std::string::npos)
        << error.what();
  }
  unsetenv(kGuestBinaryVariable);
}

TEST(GuestImage, CarriesEveryProgramTheGuestRuns) {
  const auto& programs = guest_programs();
  std::regex call(R"re(run_(command|checked)\(\{"([^"]+)")re");
  int seen = 0;
  for (const char* folder : {"core", "fixtures", "workloads", "runners/run"}) {
    for (const auto& item :
         std::filesystem::recursive_directory_iterator(std::string(DAXTORTURE_SOURCE_DIR) + "/" + folder)) {
      if (item.path().extension() != ".cc" && item.path().extension() != ".h") continue;
      std::ifstream in(item.path());
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
        ++seen;
        std::string program = (*it)[2];
        EXPECT_NE(std::find(programs.begin(), programs.end(), program), programs.end())
            << item.path() << " runs " << program << ", which the guest image does not carry";
      }
    }
  }
  EXPECT_GT(seen, 5);
  // mkfs is run as "mkfs." + type (fixtures/dax_filesystem.cc).
  for (const char* mkfs : {"mkfs.xfs", "mkfs.ext4"})
    EXPECT_NE(std::find(programs.begin(), programs.end(), mkfs), programs.end());
}

}  // namespace
}  // namespace dt
