// One KTAP stream on stdout for a whole VM run, however many boots and
// guests feed it: the header and plan once (the run's, printed by the
// host), every result renumbered 1..N in the order results arrive, and each
// result printed together with the diagnostics its guest sent before it, so
// that the lines of two guests never interleave inside one result. Each
// guest's own header, plan and "Totals:" line are dropped: they describe
// one boot, not the run. Thread-safe: every guest's session feeds it.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "reports/ktap.h"

namespace dt {

// `line` (an "ok N ..." or "not ok N ..." result line) with N replaced.
std::string renumbered_result_line(const std::string& line, size_t number);

class KtapRelay {
 public:
  // The known-failure diagnostic to print right before a result line
  // (reports/ktap.h's convention); "" for none.
  using Diagnostic = std::function<std::string(const std::string& name, Status status)>;

  explicit KtapRelay(std::ostream& out, Diagnostic diagnostic = {});

  // "KTAP version 1" and "1..planned"; only the first call prints.
  void begin(size_t planned);
  // A line of guest `guest`'s KTAP channel, as the session read it.
  void guest_line(int guest, const std::string& line, const reports::KtapEvent& event);
  // The guest's boot ended: what it sent after its last result (e.g.
  // "# stopping this boot: ...") is printed now.
  void end_of_boot(int guest);
  // A verdict the host made (the instance a dead guest was running, or one
  // no guest ran), unless a guest already streamed a result for it.
  void host_result(const InstanceResult& result);

  size_t results_printed() const;
  // By KTAP description: a repetition "NAME#2" is "NAME_2" on the stream.
  bool printed(const std::string& description) const;

 private:
  void print_locked(const std::vector<std::string>& lines);

  mutable std::mutex mutex_;
  std::ostream& out_;
  Diagnostic diagnostic_;
  bool begun_ = false;
  size_t numbered_ = 0;
  std::map<int, std::vector<std::string>> pending_;  // per guest, since its last result
  std::set<std::string> printed_;
};

}  // namespace dt
