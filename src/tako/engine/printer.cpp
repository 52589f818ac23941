#include "tako/engine/printer.h"

namespace tako::engine {

Printer::Printer(std::ostream& out, std::ostream& err, bool color, bool quiet_stdout)
    : out_(out), err_(err), color_(color), quiet_stdout_(quiet_stdout) {}

void Printer::line(std::string_view text) {
  std::lock_guard lock(mu_);
  std::ostream& os = quiet_stdout_ ? err_ : out_;
  os << text << '\n';
  os.flush();
}

void Printer::error_line(std::string_view text) {
  std::lock_guard lock(mu_);
  err_ << text << '\n';
  err_.flush();
}

std::string Printer::paint(std::string_view code, std::string_view text) const {
  if (!color_) return std::string(text);
  std::string s = "\x1b[";
  s += code;
  s += 'm';
  s += text;
  s += "\x1b[0m";
  return s;
}

void Printer::raw(std::string_view text, bool to_err) {
  std::lock_guard lock(mu_);
  std::ostream& os = (to_err || quiet_stdout_) ? err_ : out_;
  os << text;
  os.flush();
}

Printer::StepStream::StepStream(Printer& printer, std::string prefix, const SecretMasker& masker,
                                std::function<void(std::string_view)> sink,
                                std::function<void(std::string_view)> on_line)
    : printer_(printer),
      prefix_(std::move(prefix)),
      sink_(std::move(sink)),
      on_line_(std::move(on_line)),
      out_mask_(masker),
      err_mask_(masker) {}

Printer::StepStream::~StepStream() {
  finish();
}

void Printer::StepStream::write(std::string_view chunk, SecretMasker::Stream& mask,
                                std::string& partial, bool is_err) {
  std::string safe = mask.feed(chunk);
  if (!safe.empty()) emit(safe, partial, is_err, false);
}

void Printer::StepStream::emit(std::string_view text, std::string& partial, bool is_err,
                               bool final) {
  if (sink_ && !text.empty()) sink_(text);
  if (on_line_) split_lines(text, is_err ? err_pending_ : out_pending_, final);
  if (!printer_.echo_step_output_) return;
  if (prefix_.empty()) {
    if (!text.empty()) printer_.raw(text, is_err);
    return;
  }
  // Prefixed: whole lines only, so that concurrent runs never mix within a line.
  partial.append(text);
  std::string block;
  size_t start = 0;
  while (true) {
    size_t nl = partial.find('\n', start);
    if (nl == std::string::npos) break;
    block += prefix_;
    block.append(partial, start, nl - start + 1);
    start = nl + 1;
  }
  partial.erase(0, start);
  if (final && !partial.empty()) {
    block += prefix_ + partial + "\n";
    partial.clear();
  }
  if (!block.empty()) printer_.raw(block, is_err);
}

void Printer::StepStream::split_lines(std::string_view text, std::string& partial, bool final) {
  partial.append(text);
  size_t start = 0;
  for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(partial.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line_(line);
  }
  partial.erase(0, start);
  if (final && !partial.empty()) {
    on_line_(partial);
    partial.clear();
  }
}

void Printer::StepStream::finish() {
  if (finished_) return;
  finished_ = true;
  emit(out_mask_.finish(), out_line_, false, true);
  emit(err_mask_.finish(), err_line_, true, true);
}

}  // namespace tako::engine
