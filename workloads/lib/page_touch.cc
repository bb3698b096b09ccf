#include "workloads/lib/page_touch.h"

#include <setjmp.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/process_probe.h"

namespace dt::workloads {

namespace {
sigjmp_buf touch_escape;
volatile sig_atomic_t touch_signal = 0;
void* volatile touch_address = nullptr;

void on_touch_signal(int signal, siginfo_t* info, void*) {
  touch_signal = signal;
  touch_address = info->si_addr;
  siglongjmp(touch_escape, 1);
}
}  // namespace

namespace {
// Offset of the page touched in the i-th stride: it walks through the
// stride's pages, so every 4 KiB position inside a huge page gets its turn.
uint64_t touched_offset(uint64_t i, uint64_t stride) {
  return i * stride + (i % (stride / kPageSize)) * kPageSize;
}
}  // namespace

TouchResult touch_pages(uint8_t* map, uint64_t length, bool write, uint64_t seed,
                        uint64_t file_offset, uint64_t stride) {
  TouchResult result;
  struct sigaction action {}, old_bus{}, old_segv{};
  action.sa_sigaction = on_touch_signal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, &old_bus);
  sigaction(SIGSEGV, &action, &old_segv);
  touch_signal = 0;

  // The word values are computed before the fault window opens, so the loop
  // itself faults only on the mapping (the vector's own pages fault here).
  const uint64_t pages = length / stride;
  uint64_t* words = nullptr;
  if (write) {
    words = new uint64_t[pages];
    for (uint64_t i = 0; i < pages; ++i)
      words[i] = pattern_word(seed, file_offset + touched_offset(i, stride));
  }
  uint64_t before = page_faults();
  double started = monotonic_seconds();
  if (sigsetjmp(touch_escape, 1) == 0) {
    // Last page first: each huge page is entered at an address that is not
    // its start, so the kernel must align the fault address itself (the
    // insert helpers once crashed on unaligned addresses). volatile: the
    // loads exist only for their faults.
    for (uint64_t i = pages; i-- > 0;) {
      volatile uint64_t* word =
          reinterpret_cast<volatile uint64_t*>(map + touched_offset(i, stride));
      if (write) *word = words[i];
      else (void)*word;
    }
  } else {
    result.signal = touch_signal;
    result.signal_offset = static_cast<uint64_t>(static_cast<uint8_t*>(touch_address) - map);
  }
  result.seconds = monotonic_seconds() - started;
  result.faults = page_faults() - before;
  delete[] words;
  sigaction(SIGBUS, &old_bus, nullptr);
  sigaction(SIGSEGV, &old_segv, nullptr);
  return result;
}

std::optional<uint64_t> first_bad_page(const uint8_t* map, uint64_t length, uint64_t seed,
                                       uint64_t file_offset, uint64_t stride) {
  for (uint64_t i = 0; i < length / stride; ++i) {
    uint64_t off = touched_offset(i, stride);
    uint64_t word;
    memcpy(&word, map + off, sizeof word);
    if (word != pattern_word(seed, file_offset + off)) return off;
  }
  return std::nullopt;
}

std::optional<uint64_t> first_bad_page_in_file(int fd, uint64_t length, uint64_t seed) {
  for (uint64_t off = 0; off < length; off += kPageSize) {
    uint64_t word = 0;
    if (pread(fd, &word, sizeof word, static_cast<off_t>(off)) != sizeof word ||
        word != pattern_word(seed, off))
      return off;
  }
  return std::nullopt;
}

}  // namespace dt::workloads
