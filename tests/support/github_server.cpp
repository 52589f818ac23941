#include "support/github_server.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace tako::testing {

namespace fs = std::filesystem;

namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

nlohmann::json http(const std::string& method, const std::string& url, const std::string& body) {
  CURL* c = curl_easy_init();
  if (c == nullptr) throw std::runtime_error("curl_easy_init failed");
  std::string out;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) throw std::runtime_error(url + ": " + curl_easy_strerror(rc));
  return nlohmann::json::parse(out);
}

}  // namespace

fs::path GitHubServer::openapi_path() {
  fs::path p = fs::path(TAKO_SOURCE_DIR) /
               "build-deps/node_modules/@octokit/openapi/generated/api.github.com.json";
  return fs::exists(p) ? p : fs::path();
}

GitHubServer::GitHubServer(const fs::path& remotes, std::string token, const fs::path& work_dir) {
  const fs::path spec = openapi_path();
  if (spec.empty()) {
    throw std::runtime_error(
        "GitHub's OpenAPI description is missing: run scripts/install-deps.sh");
  }
  fs::create_directories(work_dir);
  const fs::path port_file = work_dir / "github-port";
  const fs::path log = work_dir / "github-server.log";
  fs::remove(port_file);
  const std::string script = std::string(TAKO_SOURCE_DIR) + "/tests/support/github_server.py";
  // Debian's python3 with Debian's python3-jsonschema, whatever python3 comes first in PATH.
  std::vector<std::string> args{
      "/usr/bin/python3", script,    "--openapi", spec.string(), "--remotes",
      remotes.string(),   "--token", token,       "--port-file", port_file.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + script);
  pid_ = pid;
  for (int i = 0; i < 1200 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (in >> port_) break;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream l(log);
      std::string text((std::istreambuf_iterator<char>(l)), std::istreambuf_iterator<char>());
      throw std::runtime_error("the GitHub test server exited: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (port_ == 0) throw std::runtime_error("the GitHub test server did not start within 60s");
}

GitHubServer::~GitHubServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string GitHubServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

nlohmann::json GitHubServer::control(const std::string& what, const nlohmann::json& body) {
  return http("POST", url() + "/_test/" + what, body.dump());
}

nlohmann::json GitHubServer::state() {
  return http("GET", url() + "/_test/state", "");
}

void GitHubServer::set_status(const std::string& repo, int number, const std::string& state) {
  control("status", {{"repo", repo}, {"pr", number}, {"state", state}});
}

void GitHubServer::merge(const std::string& repo, int number) {
  control("merge", {{"repo", repo}, {"pr", number}});
}

void GitHubServer::fail_next(const std::string& method, const std::string& path_regex, int status,
                             const std::string& message, int count, const nlohmann::json& headers) {
  control("fail", {{"method", method},
                   {"path", path_regex},
                   {"status", status},
                   {"message", message},
                   {"count", count},
                   {"headers", headers}});
}

}  // namespace tako::testing
