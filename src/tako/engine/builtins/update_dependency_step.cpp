#include "tako/engine/builtins/update_dependency_step.h"

#include <algorithm>
#include <functional>

#include "tako/config/loader.h"
#include "tako/engine/builtins/manifest.h"
#include "tako/engine/executor.h"
#include "tako/engine/with_params.h"
#include "tako/repo/universe.h"
#include "tako/sys/file_util.h"
#include "tako/sys/process.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kUses = "tako/update-dependency@v1";
constexpr const char* kEcosystems = "go, npm, maven, pip, cargo, generic";

using Editor =
    std::function<manifest::Edit(std::string_view text, std::string_view name, std::string_view)>;

// The ecosystem a manifest file belongs to, from its name; "" for none.
std::string ecosystem_of(const fs::path& file) {
  const std::string n = file.filename().string();
  if (n == "go.mod") return "go";
  if (n == "package.json") return "npm";
  if (n == "pom.xml") return "maven";
  if (n == "Cargo.toml") return "cargo";
  if (n == "pyproject.toml" || (n.rfind("requirements", 0) == 0 && file.extension() == ".txt"))
    return "pip";
  return "";
}

// The manifests of `ecosystem` ("" = every one) directly in `dir`, sorted.
std::vector<fs::path> manifests_in(const fs::path& dir, const std::string& ecosystem) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string eco = ecosystem_of(entry.path());
    if (!eco.empty() && (ecosystem.empty() || eco == ecosystem)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

manifest::Edit edit_file(const std::string& ecosystem, const fs::path& file, std::string_view text,
                         std::string_view name, std::string_view version,
                         const std::string& pattern) {
  if (ecosystem == "generic") return manifest::edit_generic(text, pattern, version);
  if (ecosystem == "go") return manifest::edit_go_mod(text, name, version);
  if (ecosystem == "npm") return manifest::edit_package_json(text, name, version);
  if (ecosystem == "maven") return manifest::edit_pom_xml(text, name, version);
  if (ecosystem == "cargo") return manifest::edit_cargo_toml(text, name, version);
  if (file.filename() == "pyproject.toml") return manifest::edit_pyproject(text, name, version);
  return manifest::edit_requirements(text, name, version);
}

std::string relative_to(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  fs::path rel = fs::relative(file, dir, ec);
  return ec || rel.empty() ? file.string() : rel.generic_string();
}

// Runs a tool of the ecosystem (`go mod edit`, `npm install --package-lock-only`) in `dir`.
// Returns nullopt when the program is not installed, else its captured result.
std::optional<sys::Captured> run_tool(StepContext& ctx, const fs::path& dir,
                                      std::vector<std::string> argv) {
  sys::ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = dir;
  spec.env = ctx.executor().environment();
  spec.timeout = std::chrono::minutes(10);
  sys::Captured c = sys::run_captured(spec, &ctx.cancel());
  if (!c.result.spawn_error.empty()) return std::nullopt;
  return c;
}

// The `ecosystem` of the artifact the triggering event is about, from its emitter's tako.yml
// ("" when there is no event, or the emitter or its artifact is not known).
std::string emitting_ecosystem(const StepContext& ctx, const repo::Universe* universe) {
  const json& event = ctx.run().event;
  if (universe == nullptr || !event.is_object()) return "";
  auto emitter = universe->find(event.value("source", ""));
  if (!emitter || !emitter->has_tako_yml()) return "";
  try {
    const config::TakoFile file = config::load_file(emitter->tako_yml);
    const config::Artifact* artifact = file.find_artifact(event.value("artifact", ""));
    return artifact != nullptr ? artifact->ecosystem : "";
  } catch (const std::exception&) {
    return "";  // an emitter whose tako.yml does not load gives no hint
  }
}

struct Plan {
  std::string name, version, ecosystem, pattern;
  fs::path dir;                 // where the manifests are
  std::vector<fs::path> files;  // the files to look at
};

Plan plan(StepContext& ctx, const repo::Universe* universe) {
  const WithParams with(ctx.with(), kUses);
  Plan p;
  p.version = with.required_string("version");
  p.ecosystem = with.string("ecosystem");
  p.pattern = with.string("pattern");
  const std::vector<std::string> known{"go", "npm", "maven", "pip", "cargo", "generic"};
  if (!p.ecosystem.empty() && std::find(known.begin(), known.end(), p.ecosystem) == known.end())
    throw std::runtime_error("with.ecosystem: unknown ecosystem '" + p.ecosystem +
                             "' (known: " + kEcosystems + ")");
  if (p.ecosystem == "generic" && p.pattern.empty())
    throw std::runtime_error("with.pattern is required with ecosystem generic");
  if (!p.pattern.empty() && p.ecosystem.empty()) p.ecosystem = "generic";
  p.name = p.ecosystem == "generic" ? with.string("name") : with.required_string("name");
  const fs::path root = ctx.run().repo_dir;
  p.dir = root;
  if (with.has("path")) {
    const fs::path target = root / with.string("path");
    if (!sys::path_within(root, target)) {
      throw std::runtime_error("with.path '" + with.string("path") +
                               "' leaves the step's directory");
    }
    std::error_code ec;
    if (fs::is_directory(target, ec)) {
      p.dir = target;
    } else if (fs::is_regular_file(target, ec)) {
      p.dir = target.parent_path();
      p.files.push_back(target);
      if (p.ecosystem.empty()) p.ecosystem = ecosystem_of(target);
      if (p.ecosystem.empty()) {
        throw std::runtime_error("with.path '" + with.string("path") +
                                 "': cannot tell its ecosystem from its name; give "
                                 "with.ecosystem (" +
                                 kEcosystems + ")");
      }
    } else {
      throw std::runtime_error("with.path '" + with.string("path") + "' does not exist");
    }
  }
  if (p.files.empty() && p.ecosystem.empty()) {
    // The emitting artifact's ecosystem narrows the manifests, when this repository has them.
    const std::string hint = emitting_ecosystem(ctx, universe);
    if (!hint.empty() && hint != "generic" && !manifests_in(p.dir, hint).empty()) {
      p.ecosystem = hint;
    }
  }
  if (p.files.empty()) {
    if (p.ecosystem == "generic")
      throw std::runtime_error("with.path (a file) is required with ecosystem generic");
    p.files = manifests_in(p.dir, p.ecosystem);
    if (p.files.empty()) {
      throw std::runtime_error("no manifest of " +
                               (p.ecosystem.empty() ? std::string("any ecosystem") : p.ecosystem) +
                               " in " + p.dir.string() +
                               " (looked for go.mod, package.json, pom.xml, requirements*.txt, "
                               "pyproject.toml, Cargo.toml)");
    }
  }
  return p;
}

}  // namespace

std::string UpdateDependencyStep::describe(StepContext& ctx) {
  try {
    Plan p = plan(ctx, universe_);
    std::vector<std::string> names;
    for (const auto& f : p.files) names.push_back(relative_to(f, ctx.run().repo_dir));
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return "update-dependency: set " + (p.name.empty() ? p.pattern : p.name) + " to " + p.version +
           " in " + list;
  } catch (const std::exception& e) {
    return std::string("update-dependency: ") + e.what();
  }
}

StepOutcome UpdateDependencyStep::run(StepContext& ctx) {
  StepOutcome o;
  const Plan p = plan(ctx, universe_);
  const WithParams with(ctx.with(), kUses);
  const bool lock_files = with.boolean("update_lock_files", false);
  const fs::path& root = ctx.run().repo_dir;

  std::vector<std::string> searched, changed_files;
  std::string from;
  bool found = false;
  for (const auto& file : p.files) {
    const std::string rel = relative_to(file, root);
    searched.push_back(rel);
    const std::string eco = p.ecosystem.empty() ? ecosystem_of(file) : p.ecosystem;
    const std::string text = sys::read_file(file);
    manifest::Edit edit;
    try {
      edit = edit_file(eco, file, text, p.name, p.version, p.pattern);
    } catch (const std::exception& e) {
      throw std::runtime_error(rel + ": " + e.what());
    }
    if (!edit.found) continue;
    if (!found) from = edit.from;
    found = true;
    if (!edit.changed) continue;
    if (eco == "go") {
      // Go's own tool when it is installed; the text edit (same result) otherwise.
      std::string v = p.version[0] == 'v' ? p.version : "v" + p.version;
      auto go = run_tool(ctx, file.parent_path(),
                         {"go", "mod", "edit", "-require=" + p.name + "@" + v, file.string()});
      if (go && !go->result.ok()) {
        throw std::runtime_error("go mod edit failed in " + rel + ": " + go->err);
      }
      if (!go) sys::atomic_write_file(file, edit.text);
    } else {
      sys::atomic_write_file(file, edit.text);
    }
    changed_files.push_back(rel);
    if (eco == "npm" && lock_files) {
      auto npm = run_tool(ctx, file.parent_path(),
                          {"npm", "install", "--package-lock-only", "--ignore-scripts"});
      if (!npm) throw std::runtime_error("update_lock_files: npm is not installed");
      if (!npm->result.ok())
        throw std::runtime_error("npm install --package-lock-only failed: " + npm->err);
      if (fs::exists(file.parent_path() / "package-lock.json"))
        changed_files.push_back(relative_to(file.parent_path() / "package-lock.json", root));
    }
  }
  if (!found) {
    std::string list;
    for (const auto& s : searched) list += (list.empty() ? "" : ", ") + s;
    const std::string what =
        p.name.empty() ? "pattern '" + p.pattern + "'" : "dependency '" + p.name + "'";
    throw std::runtime_error(what + " not found in " + list);
  }
  o.outputs = {{"changed", !changed_files.empty()}, {"from", from}, {"files", changed_files}};
  std::string list;
  for (const auto& s : changed_files) list += (list.empty() ? "" : ", ") + s;
  const std::string who = p.name.empty() ? p.pattern : p.name;
  o.headline = ctx.step().id + ": " + who + " " + (from.empty() ? "(unpinned)" : from) + " → " +
               p.version + (changed_files.empty() ? " (already)" : " in " + list);
  return o;
}

}  // namespace tako::engine
