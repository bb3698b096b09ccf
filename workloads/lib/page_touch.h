// The touch loop: proof of fault size for huge DAX mappings where no fs_dax
// tracepoint speaks (device-dax), shared by huge, lifecycle and uring:
// every 4 KiB page of a mapping is touched once while the process's page
// faults are counted. A mapping served with PMDs takes one fault per 2 MiB,
// one served with PUDs one per 1 GiB; anything else was served smaller.
//
// device-dax answers a fault it cannot serve at its alignment with SIGBUS
// (there is no 4 KiB fallback), so the touch catches SIGBUS and SIGSEGV and
// reports where they hit instead of letting the process die without a
// verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dt::workloads {

struct TouchResult {
  uint64_t faults = 0;        // minor + major faults over the loop
  double seconds = 0;
  int signal = 0;             // SIGBUS/SIGSEGV that stopped the loop, else 0
  uint64_t signal_offset = 0; // offset into the mapping where it hit
};

// Touches the first 8 bytes of every 4 KiB page of [map, map + length),
// last page first (every huge page is entered off its start): writes
// pattern_word(seed, file_offset + page offset) there, or only loads.
// With a `stride` above 4 KiB, one page per stride is touched, each time at
// the next 4 KiB position inside it: for 1 GiB mappings, where touching all
// 262144 pages would only cost time (and the host's backing file room).
TouchResult touch_pages(uint8_t* map, uint64_t length, bool write, uint64_t seed,
                        uint64_t file_offset = 0, uint64_t stride = 4096);

// The first page (offset into the mapping) whose first word is not
// pattern_word(seed, file_offset + offset), or nullopt; the pages visited
// are those touch_pages touches with the same stride. Reads only.
std::optional<uint64_t> first_bad_page(const uint8_t* map, uint64_t length, uint64_t seed,
                                       uint64_t file_offset = 0, uint64_t stride = 4096);

// The same check through read(2) of the file behind the mapping: the first
// file offset in [0, length) whose page's first word is not
// pattern_word(seed, offset), or nullopt. For data stored with touch_pages.
std::optional<uint64_t> first_bad_page_in_file(int fd, uint64_t length, uint64_t seed);

}  // namespace dt::workloads
