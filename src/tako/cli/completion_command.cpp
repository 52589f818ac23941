// `tako completion bash|zsh|fish`: a shell completion script generated from the CLI11 app
// itself (its subcommands, nested ones included, and their options), so it never goes stale.
// Words that depend on where the user is (workflow names, --inputs.NAME= of a workflow, run
// ids, repository identities) come from `tako __complete` (complete_command.cpp) at TAB time.

#include <CLI/CLI.hpp>
#include <algorithm>
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
  // Its values: fixed ones ("tree dot mermaid json", from a CLI::IsMember check), or
  // "@KIND": ask `tako __complete KIND`.
  std::string values;
};

// Options whose values `tako __complete` knows.
std::string dynamic_values(const std::string& long_name) {
  if (long_name == "resume") return "@runs";
  if (long_name == "only" || long_name == "ignore") return "@repos";
  return "";
}

// The positional arguments `tako __complete` knows, by command and position (1 = first).
std::string dynamic_positional(const std::string& path, int position) {
  if (path == "exec" && position == 1) return "@workflows";
  if ((path == "status" || path == "logs" || path == "report") && position == 1) return "@runs";
  if (path == "logs" && position == 2) return "@run-repos";
  return "";
}

// "TEXT:{a,b,c}" (CLI11's type name of an option checked by IsMember) → "a b c".
std::string member_values(const std::string& type_name) {
  const size_t open = type_name.find('{');
  const size_t close = type_name.find('}', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return "";
  std::string list = type_name.substr(open + 1, close - open - 1);
  for (char& c : list) {
    if (c == ',') c = ' ';
  }
  for (char c : list) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '-' || c == '_' || c == '.';
    if (!ok) return "";  // not a plain word list: no completion rather than a broken script
  }
  return list;
}

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
    // A flag (add_flag) expects 0 values; its type size is still 1.
    o.takes_value = opt->get_type_size_max() > 0 && opt->get_expected_max() > 0;
    const std::string& first = opt->get_lnames().empty() ? "" : opt->get_lnames().front();
    o.directory = first == "root" || first == "workspace" || first == "cache-dir";
    if (o.takes_value) {
      o.values = dynamic_values(first);
      if (o.values.empty()) o.values = member_values(opt->get_type_name());
    }
    o.description = clean(opt->get_description());
    info.options.push_back(std::move(o));
  }
  // Hidden subcommands (an empty group: `tako __complete`) are not offered.
  const auto subcommands =
      app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
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

// The positions (1, 2, …) of each command whose words `tako __complete` knows.
constexpr int kMaxPositional = 3;

// Functions shared by bash and zsh: words of a command path, and a walk over the words typed.
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
  out << "}\n_tako_subcommands_only() {\n";
  word_case(out, commands, [](const CommandInfo& c) { return c.children; });
  out << "}\n";
  // The values of option $2 of command $1: a word list, or @KIND for `tako __complete KIND`.
  out << "_tako_option_values() {\n  case \"$1 $2\" in\n";
  for (const auto& c : commands) {
    for (const auto& o : c.options) {
      if (o.values.empty()) continue;
      for (const auto& name : o.names) {
        out << "    '" << c.path << " " << name << "') echo '" << o.values << "' ;;\n";
      }
    }
  }
  out << "  esac\n}\n";
  // The words of positional argument $2 (1, 2, …) of command $1.
  out << "_tako_positional() {\n  case \"$1 $2\" in\n";
  for (const auto& c : commands) {
    for (int i = 1; i <= kMaxPositional; ++i) {
      const std::string v = dynamic_positional(c.path, i);
      if (!v.empty()) out << "    '" << c.path << " " << i << "') echo '" << v << "' ;;\n";
    }
  }
  out << "  esac\n}\n";
  // Walks the words before the cursor: the deepest command named (_tako_cmdpath), how many
  // positional arguments follow it (_tako_npos), the first of them (_tako_pos1) and --root.
  out << "_tako_walk() {\n"
         "  _tako_cmdpath='' _tako_npos=0 _tako_pos1='' _tako_root=''\n"
         "  local word skip=0 prevword=''\n"
         "  for word in \"$@\"; do\n"
         "    if [ \"$skip\" = 1 ]; then\n"
         "      skip=0\n"
         "      if [ \"$prevword\" = --root ]; then _tako_root=\"$word\"; fi\n"
         "      continue\n"
         "    fi\n"
         "    case \"$word\" in\n"
         "      --root=*) _tako_root=\"${word#--root=}\"; continue ;;\n"
         "      -*) case \" $(_tako_value_options \"$_tako_cmdpath\") \" in\n"
         "            *\" $word \"*) skip=1; prevword=\"$word\" ;; esac\n"
         "          continue ;;\n"
         "    esac\n"
         "    if [ \"$_tako_npos\" = 0 ]; then\n"
         "      case \" $(_tako_subcommands_only \"$_tako_cmdpath\") \" in *\" $word \"*)\n"
         "        _tako_cmdpath=\"${_tako_cmdpath:+$_tako_cmdpath }$word\"; continue ;; esac\n"
         "    fi\n"
         "    _tako_npos=$((_tako_npos + 1))\n"
         "    if [ \"$_tako_npos\" = 1 ]; then _tako_pos1=\"$word\"; fi\n"
         "  done\n"
         "}\n";
  // `tako __complete` never prints errors; a missing tako gives no words.
  out << "_tako_dyn() {\n"
         "  if [ -n \"$_tako_root\" ]; then\n"
         "    command tako __complete \"$@\" --root \"$_tako_root\" 2>/dev/null\n"
         "  else\n"
         "    command tako __complete \"$@\" 2>/dev/null\n"
         "  fi\n"
         "}\n"
         "_tako_words_of() {\n"
         "  case \"$1\" in\n"
         "    @run-repos) _tako_dyn run-repos \"$_tako_pos1\" ;;\n"
         "    @*) _tako_dyn \"${1#@}\" ;;\n"
         "    *) echo \"$1\" ;;\n"
         "  esac\n"
         "}\n";
}

void bash_script(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# bash completion for tako. Generated by `tako completion bash`; load it with\n"
         "#   source <(tako completion bash)\n";
  shared_functions(out, commands);
  out << "_tako() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  local _tako_cmdpath _tako_npos _tako_pos1 _tako_root values words\n"
         "  _tako_walk \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"\n"
         "  case \" $(_tako_value_options \"$_tako_cmdpath\") \" in *\" $prev \"*)\n"
         "    values=\"$(_tako_option_values \"$_tako_cmdpath\" \"$prev\")\"\n"
         "    if [ -n \"$values\" ]; then\n"
         "      COMPREPLY=($(compgen -W \"$(_tako_words_of \"$values\")\" -- \"$cur\"))\n"
         "    else\n"
         "      case \" $(_tako_dir_options \"$_tako_cmdpath\") \" in\n"
         "        *\" $prev \"*) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
         "        *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
         "      esac\n"
         "    fi\n"
         "    return ;;\n"
         "  esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    words=\"$(_tako_options \"$_tako_cmdpath\")\"\n"
         "    if [ \"$_tako_cmdpath\" = exec ] && [ -n \"$_tako_pos1\" ]; then\n"
         "      words=\"$words $(_tako_dyn inputs \"$_tako_pos1\")\"\n"
         "    fi\n"
         "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "    if [ \"${#COMPREPLY[@]}\" = 1 ] && [[ \"${COMPREPLY[0]}\" == *= ]]; then\n"
         "      compopt -o nospace 2>/dev/null\n"
         "    fi\n"
         "    return\n"
         "  fi\n"
         "  values=\"$(_tako_positional \"$_tako_cmdpath\" $((_tako_npos + 1)))\"\n"
         "  if [ -n \"$values\" ]; then\n"
         "    COMPREPLY=($(compgen -W \"$(_tako_words_of \"$values\")\" -- \"$cur\"))\n"
         "  elif [ \"$_tako_npos\" = 0 ]; then\n"
         "    COMPREPLY=($(compgen -W \"$(_tako_subcommands \"$_tako_cmdpath\")\" -- \"$cur\"))\n"
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
         "  local cur prev values _tako_cmdpath _tako_npos _tako_pos1 _tako_root\n"
         "  local -a _tako_described\n"
         "  cur=\"${words[CURRENT]}\"\n"
         "  prev=\"${words[CURRENT-1]}\"\n"
         "  _tako_walk \"${(@)words[2,CURRENT-1]}\"\n"
         "  case \" $(_tako_value_options \"$_tako_cmdpath\") \" in *\" $prev \"*)\n"
         "    values=\"$(_tako_option_values \"$_tako_cmdpath\" \"$prev\")\"\n"
         "    if [[ -n \"$values\" ]]; then\n"
         "      compadd -- ${=$(_tako_words_of \"$values\")}\n"
         "    else\n"
         "      case \" $(_tako_dir_options \"$_tako_cmdpath\") \" in\n"
         "        *\" $prev \"*) _directories ;;\n"
         "        *) _files ;;\n"
         "      esac\n"
         "    fi\n"
         "    return ;;\n"
         "  esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    compadd -- ${=$(_tako_options \"$_tako_cmdpath\")}\n"
         "    if [[ \"$_tako_cmdpath\" == exec && -n \"$_tako_pos1\" ]]; then\n"
         "      compadd -S '' -- ${=$(_tako_dyn inputs \"$_tako_pos1\")}\n"
         "    fi\n"
         "    return\n"
         "  fi\n"
         "  values=\"$(_tako_positional \"$_tako_cmdpath\" $((_tako_npos + 1)))\"\n"
         "  if [[ -n \"$values\" ]]; then\n"
         "    compadd -- ${=$(_tako_words_of \"$values\")}\n"
         "    return\n"
         "  fi\n"
         "  if [[ \"$_tako_npos\" != 0 ]]; then _files; return; fi\n"
         "  _tako_describe \"$_tako_cmdpath\"\n"
         "  if (( ${#_tako_described} )); then\n"
         "    _describe 'command' _tako_described\n"
         "  else\n"
         "    local words_here=\"$(_tako_subcommands \"$_tako_cmdpath\")\"\n"
         "    if [[ -n \"$words_here\" ]]; then compadd -- ${=words_here}; else _files; fi\n"
         "  fi\n"
         "}\n"
         "if [ \"$funcstack[1]\" = \"_tako\" ]; then _tako \"$@\"; else compdef _tako tako; fi\n";
}

// fish: what the typed words mean, from `commandline -opc` (the tokens before the cursor).
void fish_functions(std::ostream& out, const std::vector<CommandInfo>& commands) {
  std::vector<std::string> value_options;
  for (const auto& c : commands) {
    for (const auto& name : option_names(c, true, false)) {
      if (std::find(value_options.begin(), value_options.end(), name) == value_options.end())
        value_options.push_back(name);
    }
  }
  out << "set -g __tako_value_options " << join(value_options) << "\n";
  // The positional words after the subcommand (the subcommand itself excluded).
  out << "function __tako_positionals\n"
         "    set -l tokens (commandline -opc)\n"
         "    set -e tokens[1]\n"
         "    set -l skip 0\n"
         "    set -l seen 0\n"
         "    for t in $tokens\n"
         "        if test $skip = 1\n"
         "            set skip 0\n"
         "            continue\n"
         "        end\n"
         "        switch $t\n"
         "            case '--*=*'\n"
         "                continue\n"
         "            case '-*'\n"
         "                if contains -- $t $__tako_value_options\n"
         "                    set skip 1\n"
         "                end\n"
         "                continue\n"
         "        end\n"
         "        if test $seen = 1\n"
         "            echo $t\n"
         "        end\n"
         "        set seen 1\n"
         "    end\n"
         "end\n"
         "function __tako_npos_is\n"
         "    test (count (__tako_positionals)) -eq $argv[1]\n"
         "end\n"
         "function __tako_pos1\n"
         "    set -l p (__tako_positionals)\n"
         "    test (count $p) -ge 1; and echo $p[1]\n"
         "end\n"
         "function __tako_dyn\n"
         "    set -l tokens (commandline -opc)\n"
         "    set -l root\n"
         "    for i in (seq (count $tokens))\n"
         "        if test \"$tokens[$i]\" = --root\n"
         "            set root $tokens[(math $i + 1)]\n"
         "        end\n"
         "    end\n"
         "    if test -n \"$root\"\n"
         "        command tako __complete $argv --root $root 2>/dev/null\n"
         "    else\n"
         "        command tako __complete $argv 2>/dev/null\n"
         "    end\n"
         "end\n";
}

// `(__tako_dyn KIND)` for "@KIND", else the word list itself.
std::string fish_words(const std::string& values) {
  if (values == "@run-repos") return "(__tako_dyn run-repos (__tako_pos1))";
  if (!values.empty() && values.front() == '@') return "(__tako_dyn " + values.substr(1) + ")";
  return values;
}

void fish_script(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# fish completion for tako. Generated by `tako completion fish`; save it as\n"
         "# ~/.config/fish/completions/tako.fish\n"
         "complete -c tako -f\n";
  fish_functions(out, commands);
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
    for (int i = 1; i <= kMaxPositional && !c.path.empty(); ++i) {
      const std::string v = dynamic_positional(c.path, i);
      if (v.empty()) continue;
      out << "complete -c tako -n '" << condition << "; and __tako_npos_is " << i - 1 << "' -a '"
          << fish_words(v) << "'\n";
    }
    if (c.path == "exec") {
      // --inputs.NAME= of the workflow named (fish adds no space after a trailing '=').
      out << "complete -c tako -n '" << condition
          << "; and not __tako_npos_is 0' -a '(__tako_dyn inputs (__tako_pos1))'\n";
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
      } else if (!o.values.empty()) {
        out << " -r -f -a '" << fish_words(o.values) << "'";
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
