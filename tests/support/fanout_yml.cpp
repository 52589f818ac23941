#include "support/fanout_yml.h"

namespace tako::testing {

namespace {

// acme/lib's tako.yml up to its workflows: the artifact lib and `dependents`.
std::string parent_head(const std::vector<std::string>& dependents) {
  std::string y =
      "version: 0.1.0\n"
      "metadata: {repo: acme/lib}\n"
      "artifacts:\n"
      "  lib: {path: ./tako.yml}\n"
      "dependents:\n";
  for (const auto& d : dependents) y += "  - repo: " + d + "\n";
  return y;
}

}  // namespace

std::string fan_out_parent_yml(const std::vector<std::string>& dependents,
                               const std::string& fan_out_with, const std::string& after,
                               const std::string& schema) {
  std::string y = parent_head(dependents);
  y += "workflows:\n"
       "  release:\n"
       "    inputs:\n"
       "      version: {default: \"1.4.0\"}\n"
       "      services: {default: \"API, Web\"}\n"
       "    steps:\n"
       "      - id: build\n"
       "        run: echo {{ .inputs.version }}\n"
       "        produces:\n"
       "          outputs: {version: from_stdout}\n"
       "          events:\n"
       "            - type: lib_built\n"
       "              schema_version: \"" +
       schema +
       "\"\n"
       "              payload:\n"
       "                version: \"{{ .outputs.version }}\"\n"
       "                services: \"{{ .inputs.services }}\"\n"
       "      - id: notify\n"
       "        uses: tako/fan-out@v1\n"
       "        with: {event_type: lib_built" +
       (fan_out_with.empty() ? "" : ", " + fan_out_with) + "}\n" + after;
  return y;
}

std::string fan_out_subscriber_yml(const std::string& identity, const std::string& steps,
                                   const std::vector<std::string>& filters,
                                   const std::string& range, const std::string& extra,
                                   const std::string& more_workflows) {
  std::string y = "version: 0.1.0\nmetadata: {repo: " + identity + "}\n" + extra +
                  "workflows:\n"
                  "  test:\n"
                  "    on: event\n"
                  "    inputs:\n"
                  "      version: {required: true}\n"
                  "    steps:\n" +
                  steps + more_workflows +
                  "subscriptions:\n"
                  "  - artifact: acme/lib:lib\n"
                  "    events: [lib_built]\n";
  if (!range.empty()) y += "    schema_version: \"" + range + "\"\n";
  if (!filters.empty()) {
    y += "    filters:\n";
    for (const auto& f : filters) y += "      - \"" + f + "\"\n";
  }
  y += "    workflow: test\n    inputs:\n      version: \"{{ .event.payload.version }}\"\n";
  return y;
}

std::string plain_fan_out_parent_yml(const std::vector<std::string>& dependents) {
  std::string y = parent_head(dependents);
  return y + R"(workflows:
  release:
    steps:
      - id: build
        run: echo built
        produces:
          events:
            - type: lib_built
              schema_version: "1.0.0"
              payload: {version: "1.0.0"}
      - id: notify
        uses: tako/fan-out@v1
        with: {event_type: lib_built}
)";
}

}  // namespace tako::testing
