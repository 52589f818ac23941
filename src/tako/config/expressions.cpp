#include "tako/config/expressions.h"

#include "tako/cel/cel.h"
#include "tako/tmpl/template.h"

namespace tako::config {

namespace {

// The position in the file of `line`:`column` (1-based) of the expression's own text.
Mark position(const Expression& e, int line, int column) {
  if (e.plain && line == 1 && e.text.find('\n') == std::string::npos) {
    return Mark{e.mark.line, e.mark.column + column - 1};
  }
  return e.mark;
}

std::string excerpt(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 60) {
      out += "...";
      break;
    }
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

std::vector<ConfigError> check_expressions(const TakoFile& file) {
  std::vector<ConfigError> errors;
  for (const auto& e : file.expressions) {
    if (e.language == Expression::Language::kTemplate) {
      try {
        tmpl::Template::parse(e.text);
      } catch (const tmpl::TemplateError& error) {
        const Mark at = position(e, error.line(), error.column());
        errors.emplace_back(file.path, at.line, at.column, e.key_path,
                            "invalid template '" + excerpt(e.text) + "': " + error.message() +
                                " (at " + std::to_string(error.line()) + ":" +
                                std::to_string(error.column()) + " of the template)");
      }
    } else {
      try {
        cel::Program::compile(e.text);
      } catch (const cel::CelError& error) {
        const Mark at = position(e, error.line(), error.column());
        errors.emplace_back(file.path, at.line, at.column, e.key_path,
                            "invalid CEL expression '" + excerpt(e.text) + "': " + error.message() +
                                " (at " + std::to_string(error.line()) + ":" +
                                std::to_string(error.column()) + " of the expression)");
      }
    }
  }
  return errors;
}

}  // namespace tako::config
