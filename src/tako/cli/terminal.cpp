#include "tako/cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>

// Last: term.h defines a macro for every capability name (`columns`, `lines`, …).
#include <term.h>
#undef columns
#undef lines

namespace tako::cli {

namespace {

// The colour numbers of setaf (curses.h's kRed, …; not included for its many macros).
constexpr int kRed = 1, kGreen = 2, kYellow = 3;

// A capability string of the terminal set up by setupterm(), "" when it has none.
std::string capability(const char* name) {
  char* s = tigetstr(name);
  if (s == nullptr || s == reinterpret_cast<char*>(-1)) return "";
  return s;
}

std::string colour(const std::string& setaf, int n) {
  if (setaf.empty()) return "";
  const char* s = tiparm(setaf.c_str(), n);
  return s != nullptr ? s : "";
}

}  // namespace

std::unique_ptr<Terminal> Terminal::open(int fd, const char* term) {
  if (::isatty(fd) != 1 || term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0)
    return nullptr;
  // setupterm() keeps the entry in libtinfo's `cur_term`: the strings are copied out and the
  // entry freed at once, so that nothing global outlives this call.
  int err = 0;
  if (setupterm(term, fd, &err) != 0) return nullptr;  // 0: OK
  std::unique_ptr<Terminal> t(new Terminal());
  t->fd_ = fd;
  t->cursor_up_ = capability("cuu1");
  t->clear_eos_ = capability("ed");
  t->hide_cursor_ = capability("civis");
  t->show_cursor_ = capability("cnorm");
  const std::string setaf = capability("setaf");
  t->red_ = colour(setaf, kRed);
  t->green_ = colour(setaf, kGreen);
  t->yellow_ = colour(setaf, kYellow);
  t->dim_ = capability("dim");
  t->reset_ = capability("sgr0");
  TERMINAL* entry = cur_term;
  set_curterm(nullptr);
  del_curterm(entry);
  if (t->cursor_up_.empty() || t->clear_eos_.empty()) return nullptr;
  return t;
}

int Terminal::columns() const {
  winsize ws{};
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

int Terminal::rows() const {
  winsize ws{};
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
  return 24;
}

std::string Terminal::up(int n) const {
  std::string s = "\r";
  for (int i = 0; i < n; ++i) s += cursor_up_;
  return s;
}

std::string Terminal::paint(std::string_view colour, std::string_view text) const {
  const std::string* code = colour == "red"      ? &red_
                            : colour == "green"  ? &green_
                            : colour == "yellow" ? &yellow_
                            : colour == "dim"    ? &dim_
                                                 : nullptr;
  if (code == nullptr || code->empty() || reset_.empty()) return std::string(text);
  return *code + std::string(text) + reset_;
}

namespace {

// Length of the escape sequence at `s[i]` (ESC [ … final byte, or ESC and one more), 0 if none.
size_t escape_length(std::string_view s, size_t i) {
  if (s[i] != '\x1b') return 0;
  if (i + 1 >= s.size()) return 1;
  if (s[i + 1] != '[') return 2;
  size_t j = i + 2;
  while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) ++j;
  return j < s.size() ? j - i + 1 : s.size() - i;
}

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    if (size_t e = escape_length(text, i)) {
      i += e;
      continue;
    }
    if (!continuation(text[i])) ++width;
    ++i;
  }
  return width;
}

std::string printable(std::string_view text) {
  if (const size_t cr = text.find_last_of('\r');
      cr != std::string_view::npos && cr + 1 < text.size())
    text.remove_prefix(cr + 1);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (size_t e = escape_length(text, i)) {
      i += e;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i++]);
    if (c == '\t' || c == '\n') {
      out += ' ';
    } else if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string fit_width(std::string_view text, size_t columns) {
  if (display_width(text) <= columns) return std::string(text);
  if (columns == 0) return "";
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    if (size_t e = escape_length(text, i)) {
      out.append(text.substr(i, e));
      i += e;
      continue;
    }
    if (!continuation(text[i])) {
      if (width + 1 == columns) break;  // room for "…"
      ++width;
    }
    out += text[i];
    ++i;
  }
  out += "…";
  return out;
}

}  // namespace tako::cli
