// The run's one KTAP stream, fed by several guests and boots: header once,
// results numbered 1..N in arrival order, each guest's diagnostics kept with
// its own result, guests' plans and totals dropped, host verdicts added once.
#include "runners/vm/ktap_relay.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dt {
namespace {

// Feeds lines as a guest's session does: through a reader of its own.
struct FakeGuest {
  KtapRelay& relay;
  int id;
  reports::KtapReader reader;
  void send(const std::string& line) { relay.guest_line(id, line, reader.feed_line(line)); }
};

TEST(KtapRelay, RenumbersTheResultLineOnly) {
  EXPECT_EQ(renumbered_result_line("ok 1 a/xfs/4k", 7), "ok 7 a/xfs/4k");
  EXPECT_EQ(renumbered_result_line("not ok 12 b # TIMEOUT late", 3), "not ok 3 b # TIMEOUT late");
  EXPECT_EQ(renumbered_result_line("ok 5", 9), "ok 9");
  EXPECT_EQ(renumbered_result_line("# no result here", 9), "# no result here");
}

TEST(KtapRelay, OneHeaderAndOneNumberingAcrossGuestsAndBoots) {
  std::ostringstream out;
  KtapRelay relay(out);
  relay.begin(4);
  relay.begin(4);  // a second call prints nothing
  FakeGuest one{relay, 0, {}}, two{relay, 1, {}};
  for (FakeGuest* guest : {&one, &two}) {
    guest->send("KTAP version 1");
    guest->send("1..4");
  }
  one.send("# [1/4] running a");
  two.send("# [1/4] running b");
  two.send("# b: check failed");
  two.send("not ok 1 b");
  one.send("ok 1 a");
  one.send("# Totals: pass:1 fail:0 skip:0 broken:0 timeout:0 crash:0");
  // Guest 0 boots again after a crash: a fresh reader, its numbers from 1.
  FakeGuest again{relay, 0, {}};
  again.send("KTAP version 1");
  again.send("1..4");
  again.send("# [1/4] running c");
  again.send("ok 1 c");
  again.send("# stopping this boot: the kernel oopsed during c");
  relay.end_of_boot(0);
  EXPECT_EQ(out.str(),
            "KTAP version 1\n1..4\n"
            "# [1/4] running b\n# b: check failed\nnot ok 1 b\n"
            "# [1/4] running a\nok 2 a\n"
            "# [1/4] running c\nok 3 c\n"
            "# stopping this boot: the kernel oopsed during c\n");
  EXPECT_EQ(relay.results_printed(), 3u);
  EXPECT_TRUE(relay.printed("b"));
  EXPECT_FALSE(relay.printed("d"));
}

TEST(KtapRelay, HostVerdictsOnceWithTheKnownFailureLineLast) {
  std::ostringstream out;
  KtapRelay relay(out, [](const std::string& name, Status status) {
    return name == "crashed" && status == Status::crash ? std::string("known failure: note (x.expect:3)") : "";
  });
  relay.begin(2);
  FakeGuest guest{relay, 0, {}};
  guest.send("ok 1 streamed");
  InstanceResult streamed;
  streamed.name = "streamed";
  relay.host_result(streamed);  // already streamed by the guest: not again
  InstanceResult crashed;
  crashed.name = "crashed";
  crashed.status = Status::crash;
  crashed.reason = "guest kernel panic: boom while this instance ran";
  relay.host_result(crashed);
  relay.host_result(crashed);
  EXPECT_EQ(out.str(),
            "KTAP version 1\n1..2\nok 1 streamed\n"
            "# guest kernel panic: boom while this instance ran\n"
            "# known failure: note (x.expect:3)\n"
            "not ok 2 crashed # ERROR CRASH: guest kernel panic: boom while this instance ran\n");
}

TEST(KtapRelay, ARepetitionStreamedIsNotPrintedAgain) {
  std::ostringstream out;
  KtapRelay relay(out);
  FakeGuest guest{relay, 0, {}};
  guest.send("ok 2 a/xfs/4k_2");  // how the guest writes "a/xfs/4k#2"
  InstanceResult repeated;
  repeated.name = "a/xfs/4k#2";
  relay.host_result(repeated);
  EXPECT_EQ(out.str(), "ok 1 a/xfs/4k_2\n");
  EXPECT_EQ(relay.results_printed(), 1u);
}

TEST(KtapRelay, KnownFailureLineBeforeAStreamedResult) {
  std::ostringstream out;
  KtapRelay relay(out, [](const std::string&, Status status) {
    return status == Status::fail ? std::string("new failure") : "";
  });
  FakeGuest guest{relay, 3, {}};
  guest.send("# a: expected 1, seen 2");
  guest.send("not ok 4 a");
  EXPECT_EQ(out.str(), "# a: expected 1, seen 2\n# new failure\nnot ok 1 a\n");
}

}  // namespace
}  // namespace dt
