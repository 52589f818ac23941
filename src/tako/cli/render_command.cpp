// `tako render TEXT [--var NAME=JSON]... [--event FILE.json]` (SPEC §4): renders a template and
// prints the result exactly as rendered (no newline added), for debugging templates.
#include <CLI/CLI.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/tmpl/template.h"

namespace tako::cli {

namespace {

struct RenderOptions {
  std::string text;
  std::vector<std::string> vars;
  std::string event_file;
};

// NAME or NAME.KEY.KEY... with each part a non-empty run of [A-Za-z0-9_-].
bool valid_name(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char prev = 0;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return true;
}

// Sets data[a][b][c] = value for the name "a.b.c", creating (or replacing non-object) levels.
void bind(nlohmann::json& data, const std::string& name, nlohmann::json value) {
  nlohmann::json* node = &data;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string key =
        name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) *node = nlohmann::json::object();
    if (dot == std::string::npos) {
      (*node)[key] = std::move(value);
      return;
    }
    node = &(*node)[key];
    start = dot + 1;
  }
}

nlohmann::json read_event(const std::string& file) {
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
  if (!doc.is_object()) {
    throw std::runtime_error("--event " + file + ": the event must be a JSON object");
  }
  return doc;
}

void run_render(Context& ctx, const RenderOptions& opts) {
  nlohmann::json data = nlohmann::json::object();
  if (!opts.event_file.empty()) data["event"] = read_event(opts.event_file);
  for (const auto& spec : opts.vars) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) throw UsageError("--var " + spec + ": expected NAME=JSON");
    const std::string name = spec.substr(0, eq);
    if (!valid_name(name)) {
      throw UsageError("--var " + spec + ": '" + name + "' is not a valid variable name");
    }
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(spec.substr(eq + 1));
    } catch (const nlohmann::json::parse_error& e) {
      throw UsageError("--var " + name + ": invalid JSON (quote strings: --var " + name +
                       "='\"text\"'): " + e.what());
    }
    bind(data, name, std::move(value));
  }
  try {
    std::string out = tmpl::Template::parse(opts.text)->render(data);
    ctx.output().out << out << std::flush;
  } catch (const tmpl::TemplateError& e) {
    ctx.output().err << "Error: " << e.what() << "\n" << tmpl::error_excerpt(opts.text, e) << "\n";
    ctx.exit_code = 1;
  }
}

}  // namespace

void add_render_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RenderOptions>();
  auto* cmd = app.add_subcommand(
      "render", "Render a template (Go text/template syntax) and print it, for debugging");
  cmd->add_option("text", opts->text, "The template text")->required();
  cmd->add_option("--var", opts->vars,
                  "Bind .NAME (or .NAME.KEY...) to a JSON value: NAME=JSON (repeatable)")
      ->type_name("NAME=JSON");
  cmd->add_option("--event", opts->event_file, "Bind .event to the event document in a JSON file")
      ->type_name("FILE.json");
  cmd->callback([&ctx, opts] { run_render(ctx, *opts); });
}

}  // namespace tako::cli
