#pragma once

// Editing one dependency's version in a manifest, as text (SPEC §7.7 update-dependency): only
// the version's characters change; formatting, comments, order and everything else are kept
// byte for byte. Pure functions over the file's text, one per format.

#include <string>
#include <string_view>
#include <vector>

namespace tako::engine::manifest {

struct Edit {
  bool found = false;  // the dependency is named in the file
  std::string from;    // its version as written before (the first occurrence)
  std::string text;    // the edited text; equal to the input when nothing changed
  bool changed = false;
};

// go.mod: the `require` line of module `name` (single or in a `require (…)` block). A version
// without its leading `v` gets one (Go needs it).
Edit edit_go_mod(std::string_view text, std::string_view name, std::string_view version);

// package.json: `name` in dependencies, devDependencies, peerDependencies and
// optionalDependencies. A range operator (^, ~, >=, =) in front of the old version is kept.
Edit edit_package_json(std::string_view text, std::string_view name, std::string_view version);

// pom.xml: every <dependency> whose artifactId (or groupId:artifactId) is `name`: its
// <version>, or the <properties> entry its `${property}` refers to.
Edit edit_pom_xml(std::string_view text, std::string_view name, std::string_view version);

// requirements*.txt: the requirement line of distribution `name` (names compared as PEP 503
// normalizes them). `==`, `===`, `~=` and `>=` keep their operator; any other specifier set
// becomes `==version`; a bare name gets `==version`.
Edit edit_requirements(std::string_view text, std::string_view name, std::string_view version);

// pyproject.toml: PEP 508 strings in [project] dependencies, [project.optional-dependencies],
// [dependency-groups] and [build-system] requires, and Poetry's
// [tool.poetry.*dependencies] tables (`name = "^1.2"` or `name = {version = "^1.2", …}`).
Edit edit_pyproject(std::string_view text, std::string_view name, std::string_view version);

// Cargo.toml: `name = "1.2"`, `name = { version = "1.2", … }` in any *dependencies table,
// and `version = "…"` in a [*dependencies.name] table. A leading ^, ~, = or >= is kept.
Edit edit_cargo_toml(std::string_view text, std::string_view name, std::string_view version);

// Any file: every match of the RE2 `pattern`, whose one capture group is the version.
// Throws std::invalid_argument for a bad pattern or one without exactly one group.
Edit edit_generic(std::string_view text, std::string_view pattern, std::string_view version);

// ---- helpers shared by the formats ----

struct Replacement {
  size_t pos = 0;
  size_t len = 0;
  std::string with;
};

// `text` with the replacements applied (they must not overlap; any order). Duplicates (same
// position) are applied once.
std::string apply(std::string_view text, std::vector<Replacement> replacements);

// An Edit from the replacements: found when any, from = the first replaced text.
Edit make_edit(std::string_view text, std::vector<Replacement> replacements);

// A copy of `text` of the same length with comments blanked out (replaced by spaces, newlines
// kept), so that a search never matches inside one: `//` (go.mod), `#` (TOML, requirements:
// only at a line start or after whitespace), `<!-- -->` (XML). Strings are respected for `#`
// in TOML.
std::string mask_slash_comments(std::string_view text);
std::string mask_hash_comments(std::string_view text, bool respect_quotes);
std::string mask_xml_comments(std::string_view text);

// `version` written in the style of `old`: a leading range operator of `old` (^, ~, >=, =, ~=)
// and its `v` prefix are kept; anything that is not a simple version is replaced whole.
std::string styled_version(std::string_view old, std::string_view version);

// PEP 503 normalized name: lower case, runs of -_. as one -.
std::string normalize_python_name(std::string_view name);

}  // namespace tako::engine::manifest
