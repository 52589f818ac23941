// Each manifest format on a realistic file: only the version's characters change; formatting,
// comments and everything else are kept byte for byte.

#include "tako/engine/builtins/manifest.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tako::engine::manifest {
namespace {

// `before` with the first occurrence of each `from` (in order) replaced by its `to`.
std::string with_replaced(std::string before,
                          const std::vector<std::pair<std::string, std::string>>& swaps) {
  size_t at = 0;
  for (const auto& [from, to] : swaps) {
    at = before.find(from, at);
    if (at == std::string::npos) throw std::logic_error("test text lacks " + from);
    before.replace(at, from.size(), to);
    at += to.size();
  }
  return before;
}

constexpr const char* kGoMod = R"(module github.com/acme/app-one

go 1.22

// core-lib is pinned until the 2.x migration is done. github.com/acme/core-lib v0.1.0
require github.com/acme/core-lib v1.4.0 // keep in step with lib-a

require (
	github.com/acme/lib-a v1.2.3
	github.com/stretchr/testify v1.9.0 // indirect
	golang.org/x/text v0.14.0
)

replace github.com/acme/lib-a => ../lib-a
)";

TEST(ManifestGo, SingleRequireLineKeepsCommentsAndLayout) {
  Edit e = edit_go_mod(kGoMod, "github.com/acme/core-lib", "1.5.0");
  EXPECT_TRUE(e.found);
  EXPECT_TRUE(e.changed);
  EXPECT_EQ(e.from, "v1.4.0");
  // The comment that mentions v0.1.0 is not touched; the `v` is added.
  EXPECT_EQ(e.text, with_replaced(kGoMod, {{"core-lib v1.4.0", "core-lib v1.5.0"}}));
}

TEST(ManifestGo, RequireBlock) {
  Edit e = edit_go_mod(kGoMod, "github.com/stretchr/testify", "v1.10.0");
  EXPECT_EQ(e.from, "v1.9.0");
  EXPECT_EQ(e.text, with_replaced(kGoMod, {{"testify v1.9.0", "testify v1.10.0"}}));
  EXPECT_FALSE(edit_go_mod(kGoMod, "github.com/acme/other", "1.0.0").found);
  // The module itself and a replace target are no requirement.
  EXPECT_FALSE(edit_go_mod(kGoMod, "github.com/acme/app-one", "1.0.0").found);
}

TEST(ManifestGo, SameVersionIsFoundButUnchanged) {
  Edit e = edit_go_mod(kGoMod, "golang.org/x/text", "v0.14.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, kGoMod);
}

constexpr const char* kPackageJson = R"({
  "name": "@acme/web-app",
  "version": "3.1.0",
  "description": "depends on \"@acme/ui\" 1.0.0",
  "scripts": {"build": "tsc", "@acme/ui": "1.0.0"},
  "dependencies": {
    "@acme/ui": "^1.2.0",
    "react":    "18.2.0"
  },
  "devDependencies": {
    "typescript": "~5.3.3",
    "@acme/ui": "^1.2.0"
  },
  "peerDependencies": { "react-dom": ">=18.0.0" },
  "optionalDependencies": {"fsevents": "workspace:*"}
}
)";

TEST(ManifestNpm, EverySectionKeepsRangeOperators) {
  Edit e = edit_package_json(kPackageJson, "@acme/ui", "2.0.0");
  EXPECT_EQ(e.from, "^1.2.0");
  EXPECT_EQ(e.text, with_replaced(kPackageJson,
                                  {{"\"^1.2.0\"", "\"^2.0.0\""}, {"\"^1.2.0\"", "\"^2.0.0\""}}));
  EXPECT_EQ(edit_package_json(kPackageJson, "typescript", "5.4.0").text,
            with_replaced(kPackageJson, {{"~5.3.3", "~5.4.0"}}));
  EXPECT_EQ(edit_package_json(kPackageJson, "react-dom", "19.0.0").text,
            with_replaced(kPackageJson, {{">=18.0.0", ">=19.0.0"}}));
  EXPECT_EQ(edit_package_json(kPackageJson, "react", "18.3.1").text,
            with_replaced(kPackageJson, {{"\"18.2.0\"", "\"18.3.1\""}}));
  // Not a simple version: replaced whole.
  EXPECT_EQ(edit_package_json(kPackageJson, "fsevents", "2.3.3").text,
            with_replaced(kPackageJson, {{"workspace:*", "2.3.3"}}));
  // Names outside the dependency sections (scripts, description) are not dependencies.
  EXPECT_FALSE(edit_package_json(kPackageJson, "build", "1.0.0").found);
  EXPECT_FALSE(edit_package_json(kPackageJson, "name", "1.0.0").found);
}

TEST(ManifestNpm, InvalidJsonNamesTheLine) {
  try {
    edit_package_json("{\n  \"dependencies\": {\n    \"a\" \"1\"\n  }\n}\n", "a", "2");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "invalid JSON at line 3, column 9: expected ':'");
  }
}

constexpr const char* kPom = R"(<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>lib-a</artifactId>
  <version>1.3.0</version>

  <properties>
    <!-- bumped by tako: <core-lib.version>0.0.1</core-lib.version> -->
    <core-lib.version>1.0.0</core-lib.version>
    <java.version>17</java.version>
  </properties>

  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>core-lib</artifactId>
      <version>${core-lib.version}</version>
    </dependency>
    <!--
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>util</artifactId>
      <version>0.1.0</version>
    </dependency>
    -->
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>util</artifactId>
      <version>
        2.1.0
      </version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.other</groupId>
      <artifactId>util</artifactId>
      <version>9.9.9</version>
    </dependency>
  </dependencies>
</project>
)";

TEST(ManifestMaven, PropertyReferencedByTheDependency) {
  Edit e = edit_pom_xml(kPom, "core-lib", "2.0.0");
  EXPECT_EQ(e.from, "1.0.0");
  // The commented-out property is left alone; the project's own <version> too.
  EXPECT_EQ(e.text, with_replaced(kPom, {{"<core-lib.version>1.0.0", "<core-lib.version>2.0.0"}}));
  EXPECT_EQ(edit_pom_xml(kPom, "com.acme:core-lib", "2.0.0").text, e.text);
}

TEST(ManifestMaven, DirectVersionWithGroupToDisambiguate) {
  Edit e = edit_pom_xml(kPom, "com.acme:util", "2.2.0");
  EXPECT_EQ(e.from, "2.1.0");
  EXPECT_EQ(e.text, with_replaced(kPom, {{"        2.1.0", "        2.2.0"}}));
  // Without a group, every artifact of that name (and not the one in the comment).
  Edit both = edit_pom_xml(kPom, "util", "3.0.0");
  EXPECT_EQ(both.text,
            with_replaced(kPom, {{"        2.1.0", "        3.0.0"}, {"9.9.9", "3.0.0"}}));
  EXPECT_FALSE(edit_pom_xml(kPom, "lib-a", "1.0.0").found);
}

constexpr const char* kRequirements = R"(# pinned for the release train
-r base.txt
--index-url https://pypi.example/simple
acme-core==1.4.0  # via tako
Acme_Utils[fast] ~= 2.1 ; python_version >= "3.10"
requests>=2.28,<3
six
)";

TEST(ManifestPython, RequirementsKeepOperatorsAndMarkers) {
  EXPECT_EQ(edit_requirements(kRequirements, "acme.core", "1.5.0").text,
            with_replaced(kRequirements, {{"==1.4.0", "==1.5.0"}}));
  Edit utils = edit_requirements(kRequirements, "acme-utils", "2.2");
  EXPECT_EQ(utils.from, "2.1");
  EXPECT_EQ(utils.text, with_replaced(kRequirements, {{"~= 2.1 ;", "~= 2.2 ;"}}));
  // A specifier set becomes a pin; a bare name gets one.
  EXPECT_EQ(edit_requirements(kRequirements, "requests", "2.31.0").text,
            with_replaced(kRequirements, {{">=2.28,<3", "==2.31.0"}}));
  Edit six = edit_requirements(kRequirements, "six", "1.16.0");
  EXPECT_TRUE(six.found);
  EXPECT_EQ(six.from, "");
  EXPECT_EQ(six.text, with_replaced(kRequirements, {{"\nsix\n", "\nsix==1.16.0\n"}}));
  EXPECT_FALSE(edit_requirements(kRequirements, "pinned", "1").found);  // in a comment
}

constexpr const char* kPyproject = R"([build-system]
requires = ["setuptools>=68", "wheel"]

[project]
name = "acme-core"   # not a dependency
version = "1.0.0"
dependencies = [
    "acme-utils>=2.1",  # comment with "acme-utils==0.1"
    'requests ~= 2.31',
]

[project.optional-dependencies]
fast = ["acme_utils[speed]==2.1.0"]

[tool.poetry.dependencies]
python = "^3.10"
acme-core = "^1.4"
numpy = { version = "~1.26", optional = true }
)";

TEST(ManifestPython, PyprojectPep621AndPoetry) {
  Edit e = edit_pyproject(kPyproject, "acme-utils", "2.2.0");
  EXPECT_EQ(e.from, "2.1");
  EXPECT_EQ(e.text, with_replaced(kPyproject, {{">=2.1\"", ">=2.2.0\""}, {"==2.1.0", "==2.2.0"}}));
  EXPECT_EQ(edit_pyproject(kPyproject, "requests", "2.32.0").text,
            with_replaced(kPyproject, {{"~= 2.31", "~= 2.32.0"}}));
  // Poetry's tables; the project's own name is no dependency.
  EXPECT_EQ(edit_pyproject(kPyproject, "acme-core", "1.5.0").text,
            with_replaced(kPyproject, {{"\"^1.4\"", "\"^1.5.0\""}}));
  EXPECT_EQ(edit_pyproject(kPyproject, "numpy", "1.27.0").text,
            with_replaced(kPyproject, {{"~1.26", "~1.27.0"}}));
  EXPECT_EQ(edit_pyproject(kPyproject, "setuptools", "69").text,
            with_replaced(kPyproject, {{">=68", ">=69"}}));
}

constexpr const char* kCargo = R"([package]
name = "acme-cli"
version = "0.3.0"

[dependencies]
acme-core = "1.4"            # the library
serde = { version = "^1.0.190", features = ["derive"] }
tokio.version = "1.35"

[dev-dependencies.acme-core]
version = "=1.4.0"
path = "../core"

[target.'cfg(unix)'.dependencies]
nix = "0.27"
)";

TEST(ManifestCargo, EveryForm) {
  Edit e = edit_cargo_toml(kCargo, "acme-core", "1.5.0");
  EXPECT_EQ(e.from, "1.4");
  EXPECT_EQ(e.text, with_replaced(kCargo, {{"\"1.4\"", "\"1.5.0\""}, {"=1.4.0", "=1.5.0"}}));
  EXPECT_EQ(edit_cargo_toml(kCargo, "serde", "1.0.200").text,
            with_replaced(kCargo, {{"^1.0.190", "^1.0.200"}}));
  EXPECT_EQ(edit_cargo_toml(kCargo, "tokio", "1.36").text,
            with_replaced(kCargo, {{"\"1.35\"", "\"1.36\""}}));
  EXPECT_EQ(edit_cargo_toml(kCargo, "nix", "0.28").text, with_replaced(kCargo, {{"0.27", "0.28"}}));
  EXPECT_FALSE(edit_cargo_toml(kCargo, "acme-cli", "1.0.0").found);  // the package itself
  EXPECT_FALSE(edit_cargo_toml(kCargo, "derive", "1.0.0").found);
}

TEST(ManifestGeneric, PatternCaptureGroup) {
  const std::string text = "FROM golang:1.22-alpine\nARG CORE_VERSION=1.4.0\nLABEL core=1.4.0\n";
  Edit e = edit_generic(text, R"(CORE_VERSION=(\d+\.\d+\.\d+))", "2.0.0");
  EXPECT_EQ(e.from, "1.4.0");
  EXPECT_EQ(e.text, "FROM golang:1.22-alpine\nARG CORE_VERSION=2.0.0\nLABEL core=1.4.0\n");
  EXPECT_FALSE(edit_generic(text, R"(NOPE=(\S+))", "1").found);
  EXPECT_THROW(edit_generic(text, "(a", "1"), std::invalid_argument);
  EXPECT_THROW(edit_generic(text, "(a)(b)", "1"), std::invalid_argument);
  EXPECT_THROW(edit_generic(text, "ab", "1"), std::invalid_argument);
}

TEST(ManifestText, StyledVersion) {
  EXPECT_EQ(styled_version("^1.2.0", "2.0.0"), "^2.0.0");
  EXPECT_EQ(styled_version("v1.2.0", "2.0.0"), "v2.0.0");
  EXPECT_EQ(styled_version("1.2.0", "v2.0.0"), "2.0.0");
  EXPECT_EQ(styled_version(">= 1.0", "2.0"), ">= 2.0");
  EXPECT_EQ(styled_version(">=1 <2", "3.0.0"), "3.0.0");
  EXPECT_EQ(styled_version("latest", "3.0.0"), "3.0.0");
  EXPECT_EQ(normalize_python_name("Acme_Utils.x"), "acme-utils-x");
}

}  // namespace
}  // namespace tako::engine::manifest
