#pragma once

// The local GitHub API of the forge tests (tests/support/github_server.py), started for one
// test on 127.0.0.1 and an ephemeral port, serving pull requests over the bare repositories
// of a GitWorld and checking every request and response against GitHub's OpenAPI description.
// Stopped (and reaped) when the object goes away.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace tako::testing {

class GitHubServer {
 public:
  // `remotes`: the directory holding <owner>/<name>.git; `token`: the one it accepts.
  GitHubServer(const std::filesystem::path& remotes, std::string token,
               const std::filesystem::path& work_dir);
  ~GitHubServer();
  GitHubServer(const GitHubServer&) = delete;
  GitHubServer& operator=(const GitHubServer&) = delete;

  // Where GitHub's OpenAPI description is (installed by scripts/install-deps.sh); empty when
  // it is missing.
  static std::filesystem::path openapi_path();

  std::string url() const;  // http://127.0.0.1:<port>

  // Test controls: POST /_test/<what> with `body`; GET /_test/state.
  nlohmann::json control(const std::string& what, const nlohmann::json& body);
  nlohmann::json state();

  // Sets the checks of pull request `number` of `repo` (a commit status "ci").
  void set_status(const std::string& repo, int number, const std::string& state);
  // Merges it into its base as a reviewer would.
  void merge(const std::string& repo, int number);
  // The next `count` requests of `method` to paths matching `path_regex` get `status`.
  void fail_next(const std::string& method, const std::string& path_regex, int status,
                 const std::string& message, int count = 1,
                 const nlohmann::json& headers = nlohmann::json::object());

 private:
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace tako::testing
