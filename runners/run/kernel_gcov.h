// The guest half of 'daxtorture vm --coverage': a kernel built with
// CONFIG_GCOV_KERNEL keeps its gcov counters in debugfs (gcov/, one .gcda
// per profiled object under the build's O= path). The runner zeroes them
// before an instance and copies them into the instance's folder after it,
// so each folder holds the kernel code exactly that instance ran; the host
// turns the copies into reports (runners/results/kernel_coverage.h).
#pragma once

#include <string>

namespace dt {

// Where the counters live; a folder of the instance takes the same layout
// below it ("gcov/var/cache/.../mm/memory.gcda").
inline constexpr const char* kKernelGcovRoot = "/sys/kernel/debug/gcov";
inline constexpr const char* kInstanceGcovFolder = "gcov";

// "" when the running kernel has gcov counters; otherwise why not and the fix.
std::string kernel_gcov_missing();

// Zeroes every counter; SetupError naming the file on failure.
void reset_kernel_gcov();

// Copies every .gcda into DIR, keeping the paths below kKernelGcovRoot;
// returns how many files were copied.
int copy_kernel_gcov(const std::string& dir);

}  // namespace dt
