#pragma once

// tako.yml texts for the fan-out tests (SPEC §7): a parent, acme/lib, that builds a version
// and emits lib_built, then fans it out to its dependents; and subscribers of that event.

#include <string>
#include <vector>

namespace tako::testing {

// acme/lib's workflow `release` echoes its input `version` (default 1.4.0) and emits
// lib_built (schema `schema`) with payload {version, services: its input `services`, default
// "API, Web"} to the repos in `dependents`; the fan-out step `notify` takes `fan_out_with`
// (more `with:` entries, "k: v, …"), then runs `after` (a step list in YAML, may be empty).
std::string fan_out_parent_yml(const std::vector<std::string>& dependents,
                               const std::string& fan_out_with = "", const std::string& after = "",
                               const std::string& schema = "1.2.0");

// The smallest such parent: acme/lib's `release` echoes "built" and emits lib_built 1.0.0
// with payload {version: "1.0.0"} to `dependents`.
std::string plain_fan_out_parent_yml(const std::vector<std::string>& dependents);

// A subscriber of acme/lib:lib's lib_built running workflow `test` (input `version`, from the
// payload) with `steps` (YAML list items indented by 6), optional filters and schema range.
// `extra` goes before `workflows:`, `more_workflows` (indented by 2) after `test`.
std::string fan_out_subscriber_yml(const std::string& identity, const std::string& steps,
                                   const std::vector<std::string>& filters = {},
                                   const std::string& range = "", const std::string& extra = "",
                                   const std::string& more_workflows = "");

}  // namespace tako::testing
