// `tako eval EXPR [--var NAME=JSON]... [--event FILE.json]` (SPEC §5): evaluates a CEL
// expression and prints the result in CEL literal form, for debugging filters and `if:`.
#include <CLI/CLI.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tako/cel/cel.h"
#include "tako/cli/commands.h"
#include "tako/cli/context.h"

namespace tako::cli {

namespace {

struct EvalOptions {
  std::string expression;
  std::vector<std::string> vars;
  std::string event_file;
};

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  bool start = true;
  for (char c : name) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    if (start ? !alpha : !(alpha || digit)) return false;
    start = false;
  }
  return !start;
}

// Binds the variables of a subscription filter from an event document (SPEC §5, §7.1).
void bind_event(cel::Activation& vars, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("--event " + file + ": cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error("--event " + file + ": invalid JSON: " + e.what());
  }
  if (!doc.is_object())
    throw std::runtime_error("--event " + file + ": the event must be a JSON object");
  try {
    vars.set("event", doc);
    vars.set("payload", doc.contains("payload") ? doc["payload"] : nlohmann::json::object());
    vars.set("event_type", doc.contains("type") ? doc["type"] : nlohmann::json());
    vars.set("schema_version",
             doc.contains("schema_version") ? doc["schema_version"] : nlohmann::json());
    vars.set("source", doc.contains("source") ? doc["source"] : nlohmann::json());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("--event " + file + ": " + e.what());
  }
}

void run_eval(Context& ctx, const EvalOptions& opts) {
  cel::Activation vars;
  if (!opts.event_file.empty()) bind_event(vars, opts.event_file);
  for (const auto& spec : opts.vars) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) throw UsageError("--var " + spec + ": expected NAME=JSON");
    const std::string name = spec.substr(0, eq);
    if (!valid_name(name))
      throw UsageError("--var " + spec + ": '" + name + "' is not a valid variable name");
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(spec.substr(eq + 1));
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError("--var " + name + ": invalid JSON (quote strings: --var " + name +
                       "='\"text\"'): " + e.what());
    }
    try {
      vars.set(name, value);
    } catch (const std::invalid_argument& e) {
      throw UsageError("--var " + name + ": " + e.what());
    }
  }
  try {
    auto program = cel::Program::compile(opts.expression);
    ctx.output().out << program->evaluate(vars).to_literal() << "\n";
  } catch (const cel::CelError& e) {
    ctx.output().err << "Error: " << e.what() << "\n" << e.excerpt() << "\n";
    ctx.exit_code = 1;
  }
}

}  // namespace

std::vector<std::string> normalize_eval_args(std::vector<std::string> args) {
  if (args.empty() || args.front() != "eval") return args;
  // An expression may start with '-' (`tako eval '-(4.5)'`), which the parser would take for
  // an option: the first such word that is no option of eval is moved behind a "--".
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return args;
    if (a == "--var" || a == "--event") {
      ++i;  // its value, whatever it looks like
      continue;
    }
    if (a.size() < 2 || a.front() != '-') continue;
    if (a == "-h" || a == "--help" || a.rfind("--var=", 0) == 0 || a.rfind("--event=", 0) == 0)
      continue;
    std::string expression = a;
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    args.push_back("--");
    args.push_back(std::move(expression));
    return args;
  }
  return args;
}

void add_eval_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<EvalOptions>();
  auto* cmd = app.add_subcommand(
      "eval", "Evaluate a CEL expression and print the result (for debugging filters)");
  cmd->add_option("expression", opts->expression, "The CEL expression")->required();
  // One value per --var: a vector option would take the expression after it as a value too.
  cmd->add_option("--var", opts->vars, "Bind a variable: NAME=JSON (repeatable)")
      ->type_name("NAME=JSON")
      ->allow_extra_args(false);
  cmd->add_option(
         "--event", opts->event_file,
         "Bind event, payload, event_type, schema_version and source from a JSON event file")
      ->type_name("FILE.json");
  cmd->callback([&ctx, opts] { run_eval(ctx, *opts); });
}

}  // namespace tako::cli
