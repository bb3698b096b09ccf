#include "core/reporter.h"

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

namespace dt {

namespace {
int g_fd = -1;
std::thread::id g_main_thread;

void send(const nlohmann::json& event) {
  if (g_fd < 0) return;
  // One write per event: the pipe makes writes up to PIPE_BUF atomic, and a
  // longer event from one thread cannot be torn by another thread's event
  // because each message is a single call.
  std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = write(g_fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the runner is gone; nothing left to tell
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
}
}  // namespace

void reporter_attach(int fd) {
  g_fd = fd;
  g_main_thread = std::this_thread::get_id();
}

bool reporter_on_main_thread() {
  return std::this_thread::get_id() == g_main_thread;
}

void report_failure(const Failure& failure) {
  send({{"event", "failure"},
        {"file", failure.file},
        {"line", failure.line},
        {"check", failure.check},
        {"message", failure.message}});
}

void report_metric(const Metric& metric) {
  send({{"event", "metric"}, {"name", metric.name}, {"value", metric.value},
        {"unit", metric.unit}});
}

void report_skip(const std::string& reason) {
  send({{"event", "skip"}, {"reason", reason}});
}

void report_broken(const std::string& reason) {
  send({{"event", "broken"}, {"reason", reason}});
}

void report_note(const std::string& text) {
  send({{"event", "note"}, {"text", text}});
}

void report_namespace_changed(const std::string& what) {
  send({{"event", "namespace_changed"}, {"what", what}});
}

void fold_report_line(const std::string& line, ChildReport& report) {
  if (line.empty()) return;
  auto event = nlohmann::json::parse(line, nullptr, false);
  if (event.is_discarded() || !event.is_object() || !event.contains("event")) {
    report.malformed.push_back(line);
    return;
  }
  try {
    const std::string kind = event.at("event");
    if (kind == "failure") {
      report.failures.push_back({event.at("file"), event.at("line"),
                                 event.at("check"), event.at("message")});
    } else if (kind == "metric") {
      report.metrics.push_back({event.at("name"), event.at("value"), event.at("unit")});
    } else if (kind == "skip") {
      report.skip_reason = event.at("reason");
    } else if (kind == "broken") {
      // The first broken reason is the cause; later ones are consequences.
      if (report.broken_reason.empty()) report.broken_reason = event.at("reason");
    } else if (kind == "note") {
      report.notes.push_back(event.at("text"));
    } else if (kind == "namespace_changed") {
      report.namespace_changes.push_back(event.at("what"));
    } else {
      report.malformed.push_back(line);
    }
  } catch (const nlohmann::json::exception&) {
    report.malformed.push_back(line);
  }
}

}  // namespace dt
