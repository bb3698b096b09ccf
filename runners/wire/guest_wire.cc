#include "runners/wire/guest_wire.h"

#include <cstdlib>
#include <string_view>

#include "core/context.h"

namespace dt::wire {

namespace {
constexpr std::string_view kRunning = "] running ";
constexpr std::string_view kStopping = "stopping this boot: ";
constexpr std::string_view kBegin = "daxtorture: begin ";
constexpr std::string_view kPanic = "Kernel panic - not syncing";
constexpr std::string_view kInitFatal = "daxtorture-init: FATAL";
constexpr std::string_view kProbeOk = "daxtorture-init: probe ok";
constexpr std::string_view kUserspace = "daxtorture-init: userspace ready";
constexpr std::string_view kUserspaceKernel = ", kernel ";
constexpr std::string_view kExited = "daxtorture-init: guest command exited with status ";

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// "[N/M] running NAME" -> NAME; "" when `text` is not a running line.
std::string running_name(std::string_view text) {
  if (text.empty() || text.front() != '[') return "";
  size_t close = text.find(kRunning);
  if (close == std::string_view::npos) return "";
  std::string_view place = text.substr(1, close - 1);
  size_t slash = place.find('/');
  if (slash == std::string_view::npos || !all_digits(place.substr(0, slash)) || !all_digits(place.substr(slash + 1)))
    return "";
  std::string_view name = text.substr(close + kRunning.size());
  name = name.substr(0, name.find_first_of(" \t\r"));
  return std::string(name);
}
}  // namespace

std::string running_line(size_t place, size_t total, const std::string& name) {
  return "[" + std::to_string(place + 1) + "/" + std::to_string(total) + std::string(kRunning) + name;
}

std::string stopping_line(const std::string& reason) { return std::string(kStopping) + reason; }

RunnerEvent read_runner_event(const reports::KtapEvent& event) {
  using Kind = reports::KtapEvent::Kind;
  RunnerEvent read;
  if (event.depth != 0) return read;
  if (event.kind == Kind::result) {
    read.kind = RunnerEvent::Kind::result;
    read.result = event.result;
    read.name = event.result.name;
  } else if (event.kind == Kind::diagnostic) {
    if (std::string name = running_name(event.text); !name.empty()) {
      read.kind = RunnerEvent::Kind::running;
      read.name = name;
    } else if (event.text.rfind(kStopping, 0) == 0) {
      read.kind = RunnerEvent::Kind::stopping_boot;
      read.reason = event.text.substr(kStopping.size());
    }
  }
  return read;
}

ConsoleEvent read_console_line(const std::string& line) {
  ConsoleEvent read;
  using Kind = ConsoleEvent::Kind;
  const std::string_view power_cut = kPowerCutRequest;
  if (size_t at = line.find(power_cut); at != std::string::npos) {
    read.kind = Kind::power_cut;
    read.name = line.substr(at + power_cut.size());
    while (!read.name.empty() && (read.name.back() == '\r' || read.name.back() == ' ')) read.name.pop_back();
  } else if (size_t at = line.find(kBegin); at != std::string::npos) {
    read.kind = Kind::instance_begin;
    read.name = line.substr(at + kBegin.size());
  } else if (line.find(kPanic) != std::string::npos) {
    read.kind = Kind::kernel_panic;
  } else if (line.find(kInitFatal) != std::string::npos) {
    read.kind = Kind::init_fatal;
  } else if (line.find(kProbeOk) != std::string::npos) {
    read.kind = Kind::init_probe_ok;
  } else if (size_t at = line.find(kExited); at != std::string::npos) {
    read.kind = Kind::runner_exited;
    read.exit_status = std::atoi(line.c_str() + at + kExited.size());
  } else if (size_t at = line.find(kUserspace); at != std::string::npos) {
    read.kind = Kind::userspace_ready;
    // The shell's variant goes on after the release: "...; shell on the console".
    if (line.compare(at + kUserspace.size(), kUserspaceKernel.size(), kUserspaceKernel) == 0) {
      size_t from = at + kUserspace.size() + kUserspaceKernel.size();
      read.release = line.substr(from, line.find_first_of(" ;\r\n", from) - from);
    }
  }
  return read;
}

}  // namespace dt::wire
