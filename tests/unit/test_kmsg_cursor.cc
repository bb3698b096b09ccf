// Runs against the real /dev/kmsg: needs root (or CAP_SYSLOG), skips without.
#include "core/kmsg_cursor.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>

namespace dt {
namespace {

std::unique_ptr<KmsgCursor> open_or_skip() {
  try {
    return std::make_unique<KmsgCursor>();
  } catch (const std::system_error&) {
    return nullptr;
  }
}

std::string unique_marker(const char* what) {
  return std::string(what) + " pid " + std::to_string(getpid()) + " " +
         testing::UnitTest::GetInstance()->current_test_info()->name();
}

const KmsgRecord* find_text(const std::vector<KmsgRecord>& records,
                            const std::string& text) {
  for (const auto& record : records)
    if (record.text == text) return &record;
  return nullptr;
}

TEST(KmsgCursor, DrainReturnsTheMarker) {
  auto kmsg = open_or_skip();
  if (!kmsg) GTEST_SKIP() << "/dev/kmsg cannot be opened (not root?)";
  std::string marker = unique_marker("begin");
  kmsg->mark(marker);
  auto records = kmsg->drain();
  const KmsgRecord* record = find_text(records, "daxtorture: " + marker);
  ASSERT_NE(record, nullptr) << records.size() << " records drained";
  EXPECT_EQ(record->level, 5);
  EXPECT_EQ(record->facility, 1);  // userspace: never a kernel finding
  EXPECT_GT(record->seq, 0u);
}

TEST(KmsgCursor, MarkerTextCannotFailAnInstance) {
  auto kmsg = open_or_skip();
  if (!kmsg) GTEST_SKIP() << "/dev/kmsg cannot be opened (not root?)";
  std::string marker = unique_marker("BUG: in a marker");
  kmsg->mark(marker);
  auto records = kmsg->drain();
  const KmsgRecord* record = find_text(records, "daxtorture: " + marker);
  ASSERT_NE(record, nullptr);
  EXPECT_TRUE(findings({*record}, AllowList()).empty());
}

TEST(KmsgCursor, StartsAtTheEndAndDrainsOnlyNewRecords) {
  auto before = open_or_skip();
  if (!before) GTEST_SKIP() << "/dev/kmsg cannot be opened (not root?)";
  std::string old_marker = unique_marker("old");
  before->mark(old_marker);

  KmsgCursor cursor;
  EXPECT_EQ(find_text(cursor.drain(), "daxtorture: " + old_marker), nullptr);

  std::string first = unique_marker("first");
  cursor.mark(first);
  auto records = cursor.drain();
  EXPECT_NE(find_text(records, "daxtorture: " + first), nullptr);
  EXPECT_EQ(find_text(cursor.drain(), "daxtorture: " + first), nullptr);

  std::string second = unique_marker("second");
  cursor.mark(second);
  records = cursor.drain();
  EXPECT_EQ(find_text(records, "daxtorture: " + first), nullptr);
  EXPECT_NE(find_text(records, "daxtorture: " + second), nullptr);
  EXPECT_EQ(cursor.lost(), 0u);
}

TEST(KmsgCursor, ManyMarkersAreNotRateLimited) {
  // The kernel drops writes beyond 10 per 5 s on one open file; mark() must
  // not lose markers when instances are short.
  auto kmsg = open_or_skip();
  if (!kmsg) GTEST_SKIP() << "/dev/kmsg cannot be opened (not root?)";
  auto burst = [](int i) { return unique_marker("burst") + " " + std::to_string(i); };
  for (int i = 0; i < 25; ++i) kmsg->mark(burst(i));
  auto records = kmsg->drain();
  for (int i = 0; i < 25; ++i)
    EXPECT_NE(find_text(records, "daxtorture: " + burst(i)), nullptr) << i;
}

TEST(KmsgCursor, MarkerStaysOneRecord) {
  auto kmsg = open_or_skip();
  if (!kmsg) GTEST_SKIP() << "/dev/kmsg cannot be opened (not root?)";
  kmsg->mark(unique_marker("two\nlines"));
  auto records = kmsg->drain();
  EXPECT_NE(find_text(records, "daxtorture: " + unique_marker("two lines")),
            nullptr);
}

TEST(KmsgCursor, MissingDeviceThrowsWithItsName) {
  try {
    KmsgCursor cursor("/nonexistent/kmsg");
    FAIL() << "no error";
  } catch (const std::system_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("/nonexistent/kmsg"), std::string::npos) << message;
    EXPECT_EQ(error.code().value(), ENOENT);
  }
}

}  // namespace
}  // namespace dt
