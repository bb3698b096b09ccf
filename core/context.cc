#include "core/context.h"

#include <cstdlib>
#include <iostream>

#include "core/check.h"
#include "core/reporter.h"

namespace dt {

bool Context::injected(const std::string& fault) const {
  const char* list = getenv(kInjectEnvironment);
  if (!list) return false;
  std::string faults = std::string(",") + list + ",";
  return faults.find("," + fault + ",") != std::string::npos;
}

void Context::metric(const std::string& name, double value, const std::string& unit) const {
  std::cout << "metric " << name << " = " << value << " " << unit << std::endl;
  report_metric({name, value, unit});
}

void Context::note(const std::string& text) const {
  std::cout << text << std::endl;
  report_note(text);
}

void Context::skip(const std::string& reason) const {
  std::cout << "SKIP: " << reason << std::endl;
  report_skip(reason);
  throw WorkloadStop{};
}

}  // namespace dt
