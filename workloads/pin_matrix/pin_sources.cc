// Every workload that runs cells of the pin matrix (pin_matrix.h), one row
// each: they differ only in their spec and in which cells their variants
// name. The scenario is run_pin_matrix_cell; a variant its row cannot turn
// into a cell is refused when the table registers.
//
//   pin_dio_read        an O_DIRECT read from the slow device lands late in
//                       DAX pages of F (device -> DAX buffer)
//   pin_dio_write       an O_DIRECT write to the slow device reads DAX pages
//                       of F late (DAX buffer -> device)
//   pin_vmsplice        vmsplice() puts references to DAX pages of F into a
//                       pipe, read after the slow delay: the pipe must
//                       deliver F's data, never a file's that took over a
//                       freed block
//   pin_uring_rw        io_uring reads and writes with ordinary
//                       (unregistered) buffers in DAX pages; no thread
//                       sleeps on the I/O, dm-delay's in-flight count proves
//                       the pin
//   pin_reflink         FICLONERANGE of another file over the pinned range
//                       frees F's old blocks there, so it must wait like any
//                       layout change (xfs_reflink_remap_prep breaks the
//                       destination's layout); xfs made with reflink=1
//   pin_matrix_sample   the default set's slice: one cell per shape the v6.15
//                       ZONE_DEVICE refcount series fixed, small enough for
//                       CI under TCG (the whole matrix: -t group:pin_matrix)
//   pmd_subpage_pinned  a PMD-mapped range of which one 4 KiB subpage is
//                       pinned: the busy-page scan must find the subpage
//                       inside the huge entry (BROKEN unless F really took
//                       PMD faults)
#include <functional>
#include <optional>

#include "core/context.h"
#include "core/errors.h"
#include "core/workload_table.h"
#include "workloads/pin_matrix/pin_matrix.h"

namespace dt::workloads {
namespace {

using CellOf = std::function<std::optional<PinCell>(const std::string& variant)>;

struct PinWorkload {
  const char* name;
  const char* group;
  const char* summary;
  std::vector<std::string> filesystems;
  std::vector<std::string> variants;
  CellOf cell_of;
  bool in_default_set;
};

// Variants "CHANGE.MAPPING.PAGE" of a workload with one source.
CellOf with_source(PinSource source) {
  return [source](const std::string& variant) {
    auto cell = parse_pin_cell(variant, false);
    if (cell) cell->source = source;
    return cell;
  };
}

// Variants "SOURCE.CHANGE.MAPPING.PAGE".
std::optional<PinCell> source_named(const std::string& variant) {
  return parse_pin_cell(variant, true);
}

// pin_uring_rw: "read.CELL" and "write.CELL".
std::optional<PinCell> uring_direction(const std::string& variant) {
  for (auto [prefix, source] : {std::pair{"read.", PinSource::uring_read},
                                std::pair{"write.", PinSource::uring_write}}) {
    std::string p = prefix;
    if (variant.rfind(p, 0) == 0) return with_source(source)(variant.substr(p.size()));
  }
  return std::nullopt;
}

std::vector<std::string> uring_variants() {
  std::vector<std::string> variants;
  for (const char* prefix : {"read.", "write."})
    for (const auto& cell : cell_names(matrix_cells())) variants.push_back(prefix + cell);
  return variants;
}

const std::vector<std::string> kBoth = {"xfs", "ext4"};

const std::vector<PinWorkload>& table() {
  static const std::vector<PinWorkload> rows = {
      {"pin_dio_read", "pin_matrix",
       "layout changes wait for an O_DIRECT read into DAX pages; freed blocks get no DMA", kBoth,
       cell_names(matrix_cells()), with_source(PinSource::dio_read), false},
      {"pin_dio_write", "pin_matrix",
       "layout changes wait for an O_DIRECT write from DAX pages; the device gets F's data", kBoth,
       cell_names(matrix_cells()), with_source(PinSource::dio_write), false},
      {"pin_vmsplice", "pin_matrix",
       "layout changes wait for DAX pages spliced into a pipe; the pipe reads F's data", kBoth,
       cell_names(matrix_cells()), with_source(PinSource::vmsplice), false},
      {"pin_uring_rw", "pin_matrix",
       "layout changes wait for io_uring I/O on DAX buffers; freed blocks get no DMA", kBoth,
       uring_variants(), uring_direction, false},
      {"pin_reflink", "pin_matrix",
       "a reflink clone over a pinned DAX range waits for the pin; freed blocks get no DMA",
       {"xfs-reflink"}, cell_names(reflink_cells()), source_named, false},
      {"pin_matrix_sample", "truncate_pin",
       "a few pinned-DMA x layout-change cells: wait, no DMA into freed blocks, data", kBoth,
       {
           // the busy-page wait itself, on a PMD mapping
           "dio_read.punch_hole.mapped.pmd",
           // a pin whose mapping is gone (cee91fa13a8e): wait anyway
           "vmsplice.truncate.unmapped.4k",
           // the last name goes while pinned: eviction must wait (0e2f80afcfa6)
           "uring_write.unlink.closed.4k",
           // umount while pinned, then the blocks freed after a remount
           // (0e2f80afcfa6): umount must wait
           "dio_read.umount.closed.4k",
           // the busy-page wait itself, on 4 KiB pages (once the workload
           // truncate_vs_pinned_dio); its wake-up is missed on 6.1.y
           "dio_read.truncate.mapped.4k",
       },
       source_named, true},
      {"pmd_subpage_pinned", "huge",
       "truncate/punch of a PMD-mapped range wait for one pinned 4 KiB subpage", kBoth,
       {"dio_read.truncate.mapped.pmd_subpage", "dio_read.punch_hole.mapped.pmd_subpage"},
       source_named, true},
  };
  return rows;
}

void scenario(Context& ctx, const PinWorkload& row) {
  auto cell = row.cell_of(ctx.variant());
  if (!cell) throw SetupError("'" + ctx.variant() + "' names no cell of " + row.name);
  run_pin_matrix_cell(ctx, *cell);
}

WorkloadSpec spec_of(const PinWorkload& row) {
  Needs needs = pin_matrix_needs();
  needs.filesystems = row.filesystems;
  WorkloadSpec spec = {
      .name = row.name,
      .group = row.group,
      .summary = row.summary,
      .needs = needs,
      .fixes = pin_matrix_fixes(),
      // About 15 s under TCG; a lost wake-up is ended by the wake-up signal.
      .timeout = std::chrono::seconds(40),
      .variants = row.variants,
      .in_default_set = row.in_default_set,
      .injections = pin_faults(),
  };
  spec.variants.known = [cell_of = row.cell_of](const std::string& v) {
    return cell_of(v).has_value();
  };
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
