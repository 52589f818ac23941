// Raw text and parsing: UTF-8 and control characters, one YAML document, yaml-cpp errors with
// a position.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>

#include "tako/config/loader_internal.h"

namespace tako::config::detail {

namespace {

// Where flow collections ([ {) first nest more than yaml-cpp's 2000 levels, if they do: a
// better position for a "too deep" error than the end of the file that yaml-cpp reports.
std::optional<Mark> deep_flow_position(std::string_view text) {
  int depth = 0, line = 1, column = 1;
  char quote = 0;
  bool comment = false;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (comment) {
    } else if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 2000) return Mark{line, column};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;
  }
  return std::nullopt;
}

}  // namespace

void Loader::check_text(std::string_view text) const {
  if (text.size() > kMaxFileSize) {
    fail(Mark{1, 1}, "",
         "file is too large (" + std::to_string(text.size()) +
             " bytes; a tako.yml may have at most " + std::to_string(kMaxFileSize) + " bytes)");
  }
  int line = 1, column = 1;
  size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\r') {
      fail(Mark{line, column}, "",
           "not a text file: control character " +
               quote_text(std::string(1, static_cast<char>(c))) +
               " (a tako.yml must be UTF-8 text)");
    }
    if (c >= 0x80) {
      unsigned need = 0;
      std::uint32_t cp = 0;
      if ((c & 0xE0) == 0xC0) {
        need = 1;
        cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        cp = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        cp = c & 0x07;
      } else {
        need = 99;
      }
      bool ok = need <= 3;
      for (unsigned k = 1; ok && k <= need; ++k) {
        if (i + k >= text.size()) {
          ok = false;
          break;
        }
        const auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80) ok = false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (ok) {
        // Overlong forms, surrogates and values above U+10FFFF are not UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[need] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) ok = false;
      }
      if (!ok) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string byte = "0x";
        byte.push_back(kHex[c >> 4]);
        byte.push_back(kHex[c & 0xf]);
        fail(Mark{line, column}, "",
             "not a text file: invalid UTF-8 byte " + byte + " (a tako.yml must be UTF-8 text)");
      }
      length = need + 1;
    }
    i += length;
    ++column;
  }
}

// Records where documents start, building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<Mark> starts;

  void OnDocumentStart(const YAML::Mark& m) override {
    starts.push_back(Mark{m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1});
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

namespace {

// `run: echo a: b` is the classic cause of "illegal map value": a plain scalar cannot hold
// ": ". When line `line` (1-based) is `key: value` whose value holds ": ", say to quote it.
std::string quoting_hint(std::string_view text, int line) {
  size_t start = 0;
  for (int current = 1; current < line; ++current) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view l = text.substr(start, end - start);
  const size_t first = l.find_first_not_of(" \t-");
  if (first == std::string_view::npos) return "";
  l.remove_prefix(first);
  const size_t colon = l.find(": ");
  if (colon == std::string_view::npos) return "";
  std::string_view value = l.substr(colon + 2);
  value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
  if (value.empty() || value.front() == '"' || value.front() == '\'' ||
      value.find(": ") == std::string_view::npos) {
    return "";
  }
  std::string quoted;
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return " (a value containing ': ' must be quoted: " + std::string(l.substr(0, colon)) + ": \"" +
         quoted + "\")";
}

}  // namespace

YAML::Node Loader::parse(std::string_view text) const {
  YAML::Node document;
  std::optional<Mark> second;
  try {
    const std::string copy(text);
    {
      // Is there more than one document? Asked of the parser at most twice: yaml-cpp 0.7's
      // LoadAll never ends (allocating until memory runs out) on a stray ',' outside a flow
      // collection, which it keeps reporting as one more document.
      std::istringstream in(copy);
      YAML::Parser parser(in);
      DocumentCounter counter;
      int documents = 0;
      while (documents < 2 && parser.HandleNextDocument(counter)) ++documents;
      if (documents == 2) second = counter.starts.size() > 1 ? counter.starts[1] : Mark{1, 1};
    }
    document = YAML::Load(copy);
  } catch (const YAML::DeepRecursion& e) {
    const Mark at = deep_flow_position(text).value_or(Mark{e.mark.line + 1, e.mark.column + 1});
    fail(at, "", "invalid YAML: nesting is too deep (more than 2000 levels)");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    const int column = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    // A tab in indentation is the classic cause of a confusing YAML error: name it.
    int current = 1;
    size_t start = 0;
    while (start < text.size() && current <= line) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view l = text.substr(start, end - start);
      const size_t first = l.find_first_not_of(" \t");
      const std::string_view indent =
          l.substr(0, first == std::string_view::npos ? l.size() : first);
      const size_t tab = indent.find('\t');
      if (tab != std::string_view::npos && first != std::string_view::npos && l[first] != '#') {
        fail(Mark{current, static_cast<int>(tab) + 1}, "",
             "invalid YAML: tab character in indentation (YAML indents with spaces only)");
      }
      start = end + 1;
      ++current;
    }
    fail(Mark{line, column}, "", "invalid YAML: " + e.msg + quoting_hint(text, line));
  }
  if (second) {
    fail(*second, "",
         "expected a single YAML document; another one (or stray content) starts here");
  }
  if (document.IsNull()) {
    fail(Mark{1, 1}, "", "file is empty: expected a mapping with at least 'version'");
  }
  return document;
}

}  // namespace tako::config::detail
