// `tako completion bash|zsh|fish`: a shell completion script generated from the CLI11 app
// itself (its subcommands, nested ones included, and their options), so it never goes stale.

#include <CLI/CLI.hpp>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"

namespace tako::cli {

namespace {

struct OptionInfo {
  std::vector<std::string> names;  // "--root", "-h"
  bool takes_value = false;
  bool directory = false;  // the value is a directory (--root, --workspace, --cache-dir)
  std::string description;
};

struct CommandInfo {
  std::string path;  // "" for tako itself, "validate", "state inspect"
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;
  std::vector<std::string> children;  // names of direct subcommands
  std::vector<std::string> choices;   // values of a positional argument, when fixed
};

// One line, without characters that would break the generated scripts.
std::string clean(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
    if (c == '\'' || c == '"' || c == '`' || c == '$' || c == '\\') c = ' ';
  }
  return text;
}

void collect(const CLI::App& app, const std::string& path, std::vector<CommandInfo>& out) {
  CommandInfo info;
  info.path = path;
  info.name = app.get_name();
  info.description = clean(app.get_description());
  for (const CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional()) continue;
    OptionInfo o;
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    o.takes_value = opt->get_type_size_max() > 0;
    const std::string& first = opt->get_lnames().empty() ? "" : opt->get_lnames().front();
    o.directory = first == "root" || first == "workspace" || first == "cache-dir";
    o.description = clean(opt->get_description());
    info.options.push_back(std::move(o));
  }
  const auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
  for (const CLI::App* sub : subcommands) info.children.push_back(sub->get_name());
  if (path == "completion") info.choices = {"bash", "zsh", "fish"};
  out.push_back(info);
  for (const CLI::App* sub : subcommands) {
    collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += item;
  }
  return out;
}

std::vector<std::string> option_names(const CommandInfo& c, bool values_only, bool dirs_only) {
  std::vector<std::string> out;
  for (const auto& o : c.options) {
    if (values_only && !o.takes_value) continue;
    if (dirs_only && !o.directory) continue;
    out.insert(out.end(), o.names.begin(), o.names.end());
  }
  return out;
}

// A shell `case` over the command path, printing one word list per command.
void word_case(std::ostream& out, const std::vector<CommandInfo>& commands,
               const std::function<std::vector<std::string>(const CommandInfo&)>& words) {
  out << "  case \"$1\" in\n";
  for (const auto& c : commands) {
    const auto list = words(c);
    if (!list.empty()) out << "    '" << c.path << "') echo '" << join(list) << "' ;;\n";
  }
  out << "  esac\n";
}

// Functions shared by bash and zsh: words of a command path.
void shared_functions(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "_tako_subcommands() {\n";
  word_case(out, commands, [](const CommandInfo& c) {
    std::vector<std::string> words = c.children;
    words.insert(words.end(), c.choices.begin(), c.choices.end());
    return words;
  });
  out << "}\n_tako_options() {\n";
  word_case(out, commands, [](const CommandInfo& c) { return option_names(c, false, false); });
  out << "}\n_tako_value_options() {\n";
  word_case(out, commands, [](const CommandInfo& c) { return option_names(c, true, false); });
  out << "}\n_tako_dir_options() {\n";
  word_case(out, commands, [](const CommandInfo& c) { return option_names(c, true, true); });
  out << "}\n";
  // Walks the words before the cursor to the deepest command named.
  out << "_tako_command_path() {\n"
         "  local cmdpath='' word subs skip=0\n"
         "  for word in \"$@\"; do\n"
         "    if [ \"$skip\" = 1 ]; then skip=0; continue; fi\n"
         "    case \" $(_tako_value_options \"$cmdpath\") \" in *\" $word \"*) skip=1; continue ;; "
         "esac\n"
         "    subs=\" $(_tako_subcommands \"$cmdpath\") \"\n"
         "    case \"$subs\" in *\" $word \"*)\n"
         "      case \" $(_tako_subcommands_only \"$cmdpath\") \" in *\" $word \"*)\n"
         "        cmdpath=\"${cmdpath:+$cmdpath }$word\" ;; esac ;; esac\n"
         "  done\n"
         "  echo \"$cmdpath\"\n"
         "}\n";
  out << "_tako_subcommands_only() {\n";
  word_case(out, commands, [](const CommandInfo& c) { return c.children; });
  out << "}\n";
}

void bash_script(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# bash completion for tako. Generated by `tako completion bash`; load it with\n"
         "#   source <(tako completion bash)\n";
  shared_functions(out, commands);
  out << "_tako() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  local cmdpath\n"
         "  cmdpath=\"$(_tako_command_path \"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\"\n"
         "  case \" $(_tako_dir_options \"$cmdpath\") \" in *\" $prev \"*)\n"
         "    COMPREPLY=($(compgen -d -- \"$cur\")); return ;; esac\n"
         "  case \" $(_tako_value_options \"$cmdpath\") \" in *\" $prev \"*)\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\")); return ;; esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$(_tako_options \"$cmdpath\")\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -W \"$(_tako_subcommands \"$cmdpath\")\" -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o default -F _tako tako\n";
}

void zsh_script(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "#compdef tako\n"
         "# zsh completion for tako. Generated by `tako completion zsh`; put it in a directory of\n"
         "# $fpath as _tako, or load it with: source <(tako completion zsh)\n";
  shared_functions(out, commands);
  out << "_tako_describe() {\n  case \"$1\" in\n";
  for (const auto& c : commands) {
    if (c.children.empty()) continue;
    out << "    '" << c.path << "') _tako_described=(";
    for (const auto& child : c.children) {
      const std::string child_path = c.path.empty() ? child : c.path + " " + child;
      for (const auto& d : commands) {
        if (d.path == child_path) out << " '" << child << ":" << d.description << "'";
      }
    }
    out << " ) ;;\n";
  }
  out << "  esac\n}\n";
  out << "_tako() {\n"
         "  local cmdpath cur prev\n"
         "  local -a _tako_described\n"
         "  cur=\"${words[CURRENT]}\"\n"
         "  prev=\"${words[CURRENT-1]}\"\n"
         "  cmdpath=\"$(_tako_command_path \"${(@)words[2,CURRENT-1]}\")\"\n"
         "  case \" $(_tako_dir_options \"$cmdpath\") \" in *\" $prev \"*) _directories; return ;; "
         "esac\n"
         "  case \" $(_tako_value_options \"$cmdpath\") \" in *\" $prev \"*) _files; return ;; "
         "esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    compadd -- ${=$(_tako_options \"$cmdpath\")}\n"
         "    return\n"
         "  fi\n"
         "  _tako_describe \"$cmdpath\"\n"
         "  if (( ${#_tako_described} )); then\n"
         "    _describe 'command' _tako_described\n"
         "  else\n"
         "    local words_here=\"$(_tako_subcommands \"$cmdpath\")\"\n"
         "    if [[ -n \"$words_here\" ]]; then compadd -- ${=words_here}; else _files; fi\n"
         "  fi\n"
         "}\n"
         "if [ \"$funcstack[1]\" = \"_tako\" ]; then _tako \"$@\"; else compdef _tako tako; fi\n";
}

void fish_script(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# fish completion for tako. Generated by `tako completion fish`; save it as\n"
         "# ~/.config/fish/completions/tako.fish\n"
         "complete -c tako -f\n";
  for (const auto& c : commands) {
    // The condition: this command's path has been typed, and none of its subcommands yet.
    std::string condition;
    if (c.path.empty()) {
      condition = "__fish_use_subcommand";
    } else {
      std::istringstream words(c.path);
      std::string word;
      while (words >> word) {
        if (!condition.empty()) condition += "; and ";
        condition += "__fish_seen_subcommand_from " + word;
      }
      if (!c.children.empty()) {
        condition += "; and not __fish_seen_subcommand_from " + join(c.children);
      }
    }
    for (const auto& child : c.children) {
      const std::string child_path = c.path.empty() ? child : c.path + " " + child;
      std::string description;
      for (const auto& d : commands) {
        if (d.path == child_path) description = d.description;
      }
      out << "complete -c tako -n '" << condition << "' -a " << child << " -d '" << description
          << "'\n";
    }
    for (const auto& choice : c.choices) {
      out << "complete -c tako -n '" << condition << "' -a " << choice << "\n";
    }
    std::string option_condition = condition;
    if (c.path.empty()) option_condition = "__fish_use_subcommand";
    for (const auto& o : c.options) {
      out << "complete -c tako -n '" << option_condition << "'";
      for (const auto& name : o.names) {
        out << (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
      }
      if (o.directory) {
        out << " -r -a '(__fish_complete_directories)'";
      } else if (o.takes_value) {
        out << " -r -F";
      }
      out << " -d '" << o.description << "'\n";
    }
  }
}

}  // namespace

void add_completion_command(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  auto shell = std::make_shared<std::string>();
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->callback([&app, &ctx, shell] {
    std::vector<CommandInfo> commands;
    collect(app, "", commands);
    if (*shell == "bash") {
      bash_script(ctx.output().out, commands);
    } else if (*shell == "zsh") {
      zsh_script(ctx.output().out, commands);
    } else {
      fish_script(ctx.output().out, commands);
    }
  });
}

}  // namespace tako::cli
