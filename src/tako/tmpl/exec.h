#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

// Walks `tree` over `data`, appending to `out`. `text` is the template's source, for error
// positions. Throws TemplateError.
void execute(const Tree& tree, std::string_view text, const nlohmann::json& data, std::string& out,
             const Limits& limits);

}  // namespace tako::tmpl
