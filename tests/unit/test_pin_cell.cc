// The pin matrix as a type: cells parse and name each other back, the
// enumerations have the sizes the matrix is known by, and the registered
// matrix workloads add up to 620 instances.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/name_table.h"
#include "core/registry.h"
#include "workloads/pin_matrix/pin_cell.h"

namespace dt::workloads {
namespace {

TEST(PinCell, TheMatrixHas58CellsAndReflink40) {
  EXPECT_EQ(matrix_cells().size(), 58u);  // 7 changes x 4 mappings x 2 pages + umount x 2
  EXPECT_EQ(reflink_cells().size(), 40u);  // 5 sources x 4 mappings x 2 pages
  std::set<std::string> names;
  for (const auto& cell : matrix_cells()) names.insert(cell.name());
  EXPECT_EQ(names.size(), 58u) << "two cells share a name";
}

TEST(PinCell, GroupPinMatrixIs620Instances) {
  auto instances = select_instances({"group:pin_matrix"});
  EXPECT_EQ(instances.size(), 620u);
  std::map<std::string, size_t> per_workload;
  for (const auto& instance : instances) ++per_workload[instance.workload->spec.name];
  EXPECT_EQ(per_workload["pin_dio_read"], 116u);
  EXPECT_EQ(per_workload["pin_dio_write"], 116u);
  EXPECT_EQ(per_workload["pin_vmsplice"], 116u);
  EXPECT_EQ(per_workload["pin_uring_rw"], 232u);
  EXPECT_EQ(per_workload["pin_reflink"], 40u);
}

TEST(PinCell, NameAndParseAreInverses) {
  for (const auto& cell : matrix_cells()) {
    auto again = parse_pin_cell(cell.name(), false);
    ASSERT_TRUE(again) << cell.name();
    EXPECT_EQ(*again, cell);
  }
  for (const auto& cell : reflink_cells()) {
    auto again = parse_pin_cell(cell.name(), true);
    ASSERT_TRUE(again) << cell.name();
    EXPECT_EQ(*again, cell);
  }
  auto cell = parse_pin_cell("uring_write.unlink.closed.4k", true);
  ASSERT_TRUE(cell);
  EXPECT_EQ(cell->source, PinSource::uring_write);
  EXPECT_EQ(cell->change, LayoutChange::unlink);
  EXPECT_EQ(cell->mapping, MappingState::closed);
  EXPECT_EQ(cell->page, PinPage::small);
  EXPECT_FALSE(cell->pmd());
  EXPECT_TRUE(parse_pin_cell("dio_read.truncate.mapped.pmd_subpage", true)->pmd());
}

TEST(PinCell, UnknownOrMalformedCellsAreRefusedWithTheReason) {
  std::string why;
  EXPECT_FALSE(parse_pin_cell("truncate.mapped", false, &why));
  EXPECT_NE(why.find("CHANGE.MAPPING.PAGE expected"), std::string::npos) << why;
  EXPECT_FALSE(parse_pin_cell("trunc.mapped.4k", false, &why));
  EXPECT_NE(why.find("no layout change 'trunc'"), std::string::npos) << why;
  EXPECT_FALSE(parse_pin_cell("truncate.mapped.2m", false, &why));
  EXPECT_NE(why.find("no page size '2m'"), std::string::npos) << why;
  EXPECT_FALSE(parse_pin_cell("splice.truncate.mapped.4k", true, &why));
  EXPECT_NE(why.find("no pin source 'splice'"), std::string::npos) << why;
  EXPECT_FALSE(parse_pin_cell("umount.mapped.4k", false, &why));
  EXPECT_NE(why.find("only with F closed"), std::string::npos) << why;
  EXPECT_FALSE(parse_pin_cell("truncate.mapped.4k", true, &why));
}

TEST(NameTable, ParseNameAllAndTheRefusal) {
  enum class Fruit { apple, pear };
  NameTable<Fruit> fruits("a fruit", {{Fruit::apple, "apple"}, {Fruit::pear, "pear"}});
  EXPECT_EQ(fruits.parse("pear"), Fruit::pear);
  EXPECT_FALSE(fruits.parse("plum"));
  EXPECT_STREQ(fruits.name(Fruit::apple), "apple");
  EXPECT_EQ(fruits.all().size(), 2u);
  EXPECT_EQ(fruits.names(), (std::vector<std::string>{"apple", "pear"}));
  auto accepts = fruits.accepts();
  EXPECT_TRUE(accepts("apple"));
  EXPECT_FALSE(accepts("Apple"));
  try {
    fruits.parse_or_throw("plum");
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "'plum' is not a fruit (one of: apple, pear)");
  }
}

}  // namespace
}  // namespace dt::workloads
