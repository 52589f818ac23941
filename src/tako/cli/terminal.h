#pragma once

// The few terminal capabilities the live view needs, read once from the terminfo database
// (ncurses' libtinfo) for $TERM: cursor up, clear to the end of the screen, hide/show the
// cursor, colours. terminfo rather than hard-coded ANSI sequences so that a terminal that
// cannot do them is recognised (and tako falls back to plain lines) instead of garbled.

#include <memory>
#include <string>
#include <string_view>

namespace tako::cli {

class Terminal {
 public:
  // The terminal on `fd` described by `term` ($TERM), or nullptr when `fd` is no terminal,
  // `term` is empty or "dumb", terminfo does not know it, or it lacks cursor-up or
  // clear-to-end-of-screen.
  static std::unique_ptr<Terminal> open(int fd, const char* term);

  int fd() const { return fd_; }
  // The size now (it may change while tako runs); 80×24 when the terminal does not say.
  int columns() const;
  int rows() const;

  // Moves the cursor to the start of the line `n` lines up.
  std::string up(int n) const;
  const std::string& clear_to_end() const { return clear_eos_; }
  const std::string& hide_cursor() const { return hide_cursor_; }
  const std::string& show_cursor() const { return show_cursor_; }
  // `text` in colour: "red", "green", "yellow", "dim"; plain when the terminal has none.
  std::string paint(std::string_view colour, std::string_view text) const;

 private:
  Terminal() = default;
  int fd_ = -1;
  std::string cursor_up_, clear_eos_, hide_cursor_, show_cursor_;
  std::string red_, green_, yellow_, dim_, reset_;
};

// Display columns of `text` (UTF-8, ANSI SGR sequences take none).
size_t display_width(std::string_view text);
// `text` cut to at most `columns` display columns (a cut line ends with "…"); escape
// sequences are kept whole, so cut plain text and colour it afterwards.
std::string fit_width(std::string_view text, size_t columns);

// `text` as one line of plain text: escape sequences and control characters dropped, what a
// carriage return overwrote dropped, tabs as spaces.
std::string printable(std::string_view text);

}  // namespace tako::cli
