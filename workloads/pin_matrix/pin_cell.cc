#include "workloads/pin_matrix/pin_cell.h"

namespace dt::workloads {

const NameTable<PinSource>& pin_sources() {
  static const NameTable<PinSource> table("a pin source", {
      {PinSource::dio_read, "dio_read"},
      {PinSource::dio_write, "dio_write"},
      {PinSource::uring_read, "uring_read"},
      {PinSource::uring_write, "uring_write"},
      {PinSource::vmsplice, "vmsplice"},
  });
  return table;
}

const NameTable<LayoutChange>& layout_changes() {
  static const NameTable<LayoutChange> table("a layout change", {
      {LayoutChange::truncate, "truncate"},
      {LayoutChange::punch_hole, "punch_hole"},
      {LayoutChange::zero_range, "zero_range"},
      {LayoutChange::collapse_range, "collapse_range"},
      {LayoutChange::insert_range, "insert_range"},
      {LayoutChange::unlink, "unlink"},
      {LayoutChange::rename_over, "rename_over"},
      {LayoutChange::umount, "umount"},
      {LayoutChange::clone_over, "clone_over"},
  });
  return table;
}

const NameTable<MappingState>& mapping_states() {
  static const NameTable<MappingState> table("a mapping state", {
      {MappingState::mapped, "mapped"},
      {MappingState::unmapped, "unmapped"},
      {MappingState::child_only, "child_only"},
      {MappingState::closed, "closed"},
  });
  return table;
}

const NameTable<PinPage>& pin_pages() {
  static const NameTable<PinPage> table("a page size", {
      {PinPage::small, "4k"},
      {PinPage::pmd, "pmd"},
      {PinPage::pmd_subpage, "pmd_subpage"},
  });
  return table;
}

std::string source_text(PinSource source) {
  switch (source) {
    case PinSource::dio_read: return "O_DIRECT read";
    case PinSource::dio_write: return "O_DIRECT write";
    case PinSource::uring_read: return "io_uring read";
    case PinSource::uring_write: return "io_uring write";
    case PinSource::vmsplice: return "vmsplice";
  }
  return "?";
}

bool source_reads_into_dax(PinSource source) {
  return source == PinSource::dio_read || source == PinSource::uring_read;
}

std::string PinCell::name() const {
  std::string cell = std::string(layout_changes().name(change)) + "." +
                     mapping_states().name(mapping) + "." + pin_pages().name(page);
  return source ? std::string(pin_sources().name(*source)) + "." + cell : cell;
}

std::optional<PinCell> parse_pin_cell(std::string_view variant, bool with_source,
                                      std::string* why) {
  auto refuse = [&](const std::string& reason) -> std::optional<PinCell> {
    if (why) *why = "'" + std::string(variant) + "' is not a pin matrix cell: " + reason;
    return std::nullopt;
  };
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t dot = variant.find('.', start);
    parts.push_back(variant.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const size_t expected = with_source ? 4 : 3;
  if (parts.size() != expected)
    return refuse(with_source ? "SOURCE.CHANGE.MAPPING.PAGE expected" : "CHANGE.MAPPING.PAGE expected");
  PinCell cell;
  size_t i = 0;
  if (with_source) {
    cell.source = pin_sources().parse(parts[i++]);
    if (!cell.source) return refuse("no pin source '" + std::string(parts[0]) + "' (" +
                                    pin_sources().joined(", ") + ")");
  }
  auto change = layout_changes().parse(parts[i]);
  auto mapping = mapping_states().parse(parts[i + 1]);
  auto page = pin_pages().parse(parts[i + 2]);
  if (!change) return refuse("no layout change '" + std::string(parts[i]) + "'");
  if (!mapping) return refuse("no mapping state '" + std::string(parts[i + 1]) + "'");
  if (!page) return refuse("no page size '" + std::string(parts[i + 2]) + "'");
  cell.change = *change;
  cell.mapping = *mapping;
  cell.page = *page;
  if (cell.change == LayoutChange::umount && cell.mapping != MappingState::closed)
    return refuse("umount is a cell only with F closed (umount.closed.PAGE); an open or "
                  "mapped file keeps the filesystem busy");
  return cell;
}

std::vector<PinCell> matrix_cells() {
  std::vector<PinCell> cells;
  for (LayoutChange change : layout_changes().all()) {
    if (change == LayoutChange::umount || change == LayoutChange::clone_over) continue;
    for (MappingState mapping : mapping_states().all())
      for (PinPage page : {PinPage::small, PinPage::pmd})
        cells.push_back({std::nullopt, change, mapping, page});
  }
  for (PinPage page : {PinPage::small, PinPage::pmd})
    cells.push_back({std::nullopt, LayoutChange::umount, MappingState::closed, page});
  return cells;
}

std::vector<PinCell> reflink_cells() {
  std::vector<PinCell> cells;
  for (PinSource source : pin_sources().all())
    for (MappingState mapping : mapping_states().all())
      for (PinPage page : {PinPage::small, PinPage::pmd})
        cells.push_back({source, LayoutChange::clone_over, mapping, page});
  return cells;
}

std::vector<std::string> cell_names(const std::vector<PinCell>& cells) {
  std::vector<std::string> names;
  for (const auto& cell : cells) names.push_back(cell.name());
  return names;
}

}  // namespace dt::workloads
