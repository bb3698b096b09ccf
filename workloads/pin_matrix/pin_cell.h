// One cell of the pin matrix, as a type: which pin source holds DAX pages of
// F, which layout change is applied while the pin is live, in which mapping
// state, over which page size. A variant names its cell
// "CHANGE.MAPPING.PAGE" ("punch_hole.unmapped.pmd"), or with its source
// first when one workload covers several sources
// ("dio_read.truncate.mapped.4k"). parse() and name() are inverses; the
// enumerations below are the matrix (unit-tested, 620 instances in all).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/name_table.h"
#include "workloads/lib/dma_pin.h"

namespace dt::workloads {

// The matrix pins with every kind of DmaPin.
using PinSource = DmaPinKind;
enum class LayoutChange {
  truncate,
  punch_hole,
  zero_range,
  collapse_range,
  insert_range,
  unlink,
  rename_over,
  // Only with F closed: an open or mapped file keeps the filesystem busy
  // (EBUSY), which is right and proves nothing.
  umount,
  // FICLONERANGE of another file over F's changed range (xfs-reflink only).
  clone_over,
};
enum class MappingState { mapped, unmapped, child_only, closed };
// pmd_subpage: a PMD mapping of which only one 4 KiB subpage is pinned
// (pmd_subpage_pinned); not enumerated in the matrix.
enum class PinPage { small, pmd, pmd_subpage };

const NameTable<PinSource>& pin_sources();
const NameTable<LayoutChange>& layout_changes();
const NameTable<MappingState>& mapping_states();
const NameTable<PinPage>& pin_pages();

// What a person reads in messages: "O_DIRECT read", "vmsplice", ...
std::string source_text(PinSource source);
bool source_reads_into_dax(PinSource source);  // device -> DAX pages

struct PinCell {
  std::optional<PinSource> source;  // set when the variant names it
  LayoutChange change = LayoutChange::truncate;
  MappingState mapping = MappingState::mapped;
  PinPage page = PinPage::small;

  std::string name() const;
  bool pmd() const { return page != PinPage::small; }
  bool operator==(const PinCell&) const = default;
};

// The cell a variant names, or nullopt with the reason in *why. `with_source`:
// the variant starts with the pin source.
std::optional<PinCell> parse_pin_cell(std::string_view variant, bool with_source,
                                      std::string* why = nullptr);

// Every CHANGE.MAPPING.PAGE cell, in a stable order: each change of the
// matrix in each mapping state and page size (7 x 4 x 2), and umount with F
// closed in both page sizes: 58.
std::vector<PinCell> matrix_cells();
// SOURCE.clone_over.MAPPING.PAGE for every source, mapping and page size: 40.
std::vector<PinCell> reflink_cells();
// Their names, for a spec's variants.
std::vector<std::string> cell_names(const std::vector<PinCell>& cells);

}  // namespace dt::workloads
