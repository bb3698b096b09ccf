#include "runners/vm/ktap_relay.h"

#include <sstream>

namespace dt {

std::string renumbered_result_line(const std::string& line, size_t number) {
  size_t ok = line.find("ok ");
  if (ok == std::string::npos) return line;
  size_t digits = ok + 3;
  size_t end = line.find_first_not_of("0123456789", digits);
  if (end == digits) return line;
  return line.substr(0, digits) + std::to_string(number) + (end == std::string::npos ? "" : line.substr(end));
}

KtapRelay::KtapRelay(std::ostream& out, Diagnostic diagnostic) : out_(out), diagnostic_(std::move(diagnostic)) {}

void KtapRelay::begin(size_t planned) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (begun_) return;
  begun_ = true;
  reports::KtapWriter(out_).begin(planned);
}

void KtapRelay::print_locked(const std::vector<std::string>& lines) {
  for (const auto& line : lines) out_ << line << "\n";
  out_.flush();
}

void KtapRelay::guest_line(int guest, const std::string& line, const reports::KtapEvent& event) {
  using Kind = reports::KtapEvent::Kind;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& pending = pending_[guest];
  if (event.depth == 0 && (event.kind == Kind::version || event.kind == Kind::plan)) return;
  if (event.depth == 0 && event.kind == Kind::diagnostic && event.text.rfind("Totals:", 0) == 0) return;
  if (event.depth != 0 || event.kind != Kind::result) {
    pending.push_back(line);
    return;
  }
  if (diagnostic_) {
    std::string text = diagnostic_(event.result.name, reports::ktap_status(event.result));
    if (!text.empty()) pending.push_back("# " + text);
  }
  pending.push_back(renumbered_result_line(line, ++numbered_));
  printed_.insert(event.result.name);
  print_locked(pending);
  pending.clear();
}

void KtapRelay::end_of_boot(int guest) {
  std::lock_guard<std::mutex> lock(mutex_);
  print_locked(pending_[guest]);
  pending_[guest].clear();
}

void KtapRelay::host_result(const InstanceResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream block;
  reports::KtapWriter(block).result(numbered_ + 1, result);
  std::string text = block.str();
  // Streamed results are known by their KTAP description ("NAME#2" reads
  // "NAME_2" there): compare the same.
  std::string described = reports::ktap_description(result.name);
  if (printed_.count(described)) return;
  ++numbered_;
  // The known-failure line is the last diagnostic, right above the result.
  size_t last_line = text.rfind('\n', text.size() - 2);
  last_line = last_line == std::string::npos ? 0 : last_line + 1;
  std::string known = diagnostic_ ? diagnostic_(result.name, result.status) : "";
  out_ << text.substr(0, last_line) << (known.empty() ? "" : "# " + known + "\n") << text.substr(last_line);
  printed_.insert(described);
  out_.flush();
}

size_t KtapRelay::results_printed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return numbered_;
}

bool KtapRelay::printed(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return printed_.count(name) > 0;
}

}  // namespace dt
