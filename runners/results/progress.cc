#include "runners/results/progress.h"

#include <cstdio>
#include <iostream>
#include <map>

namespace dt {

Progress::Progress(size_t total) : total_(total), started_(std::chrono::steady_clock::now()) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::string Progress::format_elapsed(double seconds) {
  long whole = static_cast<long>(seconds);
  char buffer[32];
  if (whole >= 3600)
    snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", whole / 3600, whole / 60 % 60, whole % 60);
  else
    snprintf(buffer, sizeof buffer, "%ld:%02ld", whole / 60, whole % 60);
  return buffer;
}

void Progress::started(size_t index, const std::string& name) {
  std::cerr << "daxtorture: [" << index + 1 << "/" << total_ << " " << format_elapsed(elapsed_seconds())
            << "] " << name << " ..." << std::endl;
}

void Progress::finished(size_t index, const InstanceResult& result) {
  std::cerr << "daxtorture: [" << index + 1 << "/" << total_ << " " << format_elapsed(elapsed_seconds())
            << "] " << status_name(result.status) << " " << result.name;
  char seconds[32];
  snprintf(seconds, sizeof seconds, " (%.1f s)", result.duration_s);
  std::cerr << seconds;
  if (!result.reason.empty()) std::cerr << ": " << result.reason;
  std::cerr << " — " << total_ - index - 1 << " left" << std::endl;
}

void Progress::summary(const RunResult& run) const {
  std::map<Status, size_t> counts;
  for (const auto& instance : run.instances) ++counts[instance.status];
  size_t failed = counts[Status::fail] + counts[Status::broken] + counts[Status::timeout] +
                  counts[Status::crash];
  std::cerr << "daxtorture: " << run.instances.size() << " instances on " << run.info.kernel_release
            << " in " << format_elapsed(elapsed_seconds()) << ": ";
  bool first = true;
  for (const auto& [status, count] : counts) {
    std::cerr << (first ? "" : ", ") << count << " " << status_name(status);
    first = false;
  }
  std::cerr << "\n"
            << counts[Status::pass] << " passed, " << failed << " failed, " << counts[Status::skip]
            << " skipped" << std::endl;
}

}  // namespace dt

namespace dt {

GuestsProgress::GuestsProgress(size_t total, int guests, bool quiet)
    : total_(total), quiet_(quiet), running_(static_cast<size_t>(guests)),
      started_(std::chrono::steady_clock::now()) {}

std::string GuestsProgress::line(double elapsed_s, int guest, const std::string& event) const {
  const bool several = running_.size() > 1;
  std::string text = Progress::format_elapsed(elapsed_s) + " " +
                     (several ? "g" + std::to_string(guest + 1) + ": " : "") + event + " (" +
                     std::to_string(done_) + "/" + std::to_string(total_) + " done, " +
                     std::to_string(total_ > done_ ? total_ - done_ : 0) + " left";
  for (size_t other = 0; other < running_.size(); ++other)
    if (several && static_cast<int>(other) != guest)
      text += "; g" + std::to_string(other + 1) + ": " + (running_[other].empty() ? "idle" : running_[other]);
  return text + ")";
}

void GuestsProgress::print(int guest, const std::string& event) {
  if (quiet_) return;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::cerr << "daxtorture vm: " << line(elapsed, guest, event) << std::endl;
}

void GuestsProgress::started(int guest, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_[static_cast<size_t>(guest)] = name;
  print(guest, "running " + name);
}

void GuestsProgress::finished(int guest, const std::string& name, Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_[static_cast<size_t>(guest)].clear();
  ++done_;
  print(guest, std::string(status_name(status)) + " " + name);
}

void GuestsProgress::judged(int guest, const std::string& name, Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  if (guest < 0) return;  // the run's end lists those
  running_[static_cast<size_t>(guest)].clear();
  print(guest, std::string(status_name(status)) + " " + name + " (judged by the host)");
}

}  // namespace dt
