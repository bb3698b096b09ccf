#include "core/result.h"

#include <algorithm>

namespace dt {

namespace {
struct StatusName {
  Status status;
  const char* name;
};
constexpr StatusName kStatusNames[] = {
    {Status::pass, "PASS"},     {Status::skip, "SKIP"},
    {Status::fail, "FAIL"},     {Status::broken, "BROKEN"},
    {Status::timeout, "TIMEOUT"}, {Status::crash, "CRASH"},
};
}  // namespace

const char* status_name(Status s) {
  for (const auto& entry : kStatusNames)
    if (entry.status == s) return entry.name;
  return "?";
}

std::optional<Status> parse_status(const std::string& name) {
  for (const auto& entry : kStatusNames)
    if (name == entry.name) return entry.status;
  return std::nullopt;
}

bool status_is_failure(Status s) {
  return s != Status::pass && s != Status::skip;
}

bool status_blames_kernel(Status s) {
  return s == Status::fail || s == Status::timeout || s == Status::crash;
}

const char* expectation_name(Expectation e) {
  switch (e) {
    case Expectation::none: return "";
    case Expectation::new_failure: return "new failure";
    case Expectation::known_failure: return "known failure";
    case Expectation::fixed: return "fixed";
  }
  return "";
}

Status overall_status(const RunResult& run) {
  Status worst = Status::pass;
  for (const auto& instance : run.instances)
    worst = std::max(worst, instance.status);
  return worst;
}

}  // namespace dt
