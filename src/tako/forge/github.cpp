#include "tako/forge/github.h"

#include <cstdio>

namespace tako::forge {

using nlohmann::json;

namespace {

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// GitHub's message and the details of a 422 ("Validation Failed: A pull request already
// exists for acme:tako/x.").
std::string error_message(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::string text = body.substr(0, 200);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text.empty() ? "(no message)" : text;
  }
  std::string message = j.value("message", "(no message)");
  if (j.contains("errors") && j["errors"].is_array()) {
    std::string details;
    for (const auto& e : j["errors"]) {
      std::string d =
          e.is_object() ? e.value("message", "") : (e.is_string() ? e.get<std::string>() : "");
      if (d.empty() && e.is_object()) d = e.value("code", "") + " " + e.value("field", "");
      if (!d.empty()) details += (details.empty() ? "" : "; ") + d;
    }
    if (!details.empty()) message += ": " + details;
  }
  return message;
}

}  // namespace

PullRequest pull_request_from_json(const json& j) {
  PullRequest pr;
  pr.number = j.value("number", std::int64_t{0});
  pr.url = j.value("html_url", "");
  pr.state = j.value("state", "");
  pr.merged = j.value("merged", false) || (j.contains("merged_at") && !j["merged_at"].is_null());
  if (j.contains("mergeable") && j["mergeable"].is_boolean())
    pr.mergeable = j["mergeable"].get<bool>();
  pr.draft = j.value("draft", false);
  if (j.contains("head") && j["head"].is_object()) {
    pr.head = j["head"].value("ref", "");
    pr.head_sha = j["head"].value("sha", "");
  }
  if (j.contains("base") && j["base"].is_object()) pr.base = j["base"].value("ref", "");
  return pr;
}

std::string combine_checks(const json& combined, const json& check_runs) {
  bool pending = false;
  const std::string state = combined.value("state", "success");
  const int statuses = combined.value("total_count", 0);
  if (state == "failure" || state == "error") return "failure";
  if (state == "pending" && statuses > 0) pending = true;
  if (check_runs.contains("check_runs")) {
    for (const auto& run : check_runs["check_runs"]) {
      if (run.value("status", "") != "completed") {
        pending = true;
        continue;
      }
      const std::string conclusion = run.contains("conclusion") && run["conclusion"].is_string()
                                         ? run["conclusion"].get<std::string>()
                                         : "";
      if (conclusion == "failure" || conclusion == "cancelled" || conclusion == "timed_out" ||
          conclusion == "action_required" || conclusion == "startup_failure") {
        return "failure";
      }
    }
  }
  return pending ? "pending" : "success";
}

GitHubProvider::GitHubProvider(std::string api_url, std::string repository, std::string token,
                               const sys::CancelToken* cancel,
                               std::function<void(const std::string&)> on_retry)
    : api_url_(std::move(api_url)),
      repository_(std::move(repository)),
      owner_(repository_.substr(0, repository_.find('/'))),
      token_(std::move(token)),
      http_(RetryPolicy{}, cancel),
      on_retry_(std::move(on_retry)) {
  while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
}

json GitHubProvider::call(const std::string& method, const std::string& path,
                          const std::optional<json>& body) {
  HttpRequest req;
  req.method = method;
  req.url = api_url_ + "/repos/" + repository_ + "/" + path;
  req.headers = {"Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28",
                 "User-Agent: tako", "Authorization: Bearer " + token_};
  if (body) {
    req.headers.push_back("Content-Type: application/json");
    req.body = body->dump();
  }
  const std::string what =
      "github: " + repository_ + ": " + method + " " + path.substr(0, path.find('?'));
  HttpResponse r;
  try {
    r = http_.send(req, on_retry_ ? [&](const std::string& m) { on_retry_(what + ": " + m); }
                                  : std::function<void(const std::string&)>());
  } catch (const HttpError& e) {
    throw ForgeError(what + ": " + e.what(), 0);
  }
  if (r.status >= 300) {
    throw ForgeError(what + ": HTTP " + std::to_string(r.status) + " " + error_message(r.body),
                     r.status);
  }
  if (r.body.empty()) return json::object();
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw ForgeError(what + ": the response is not JSON", r.status);
  return j;
}

std::optional<PullRequest> GitHubProvider::find_open(const std::string& head) {
  json list = call("GET", "pulls?state=open&per_page=100&head=" + url_encode(owner_ + ":" + head));
  if (!list.is_array())
    throw ForgeError("github: " + repository_ + ": GET pulls: expected a list", 200);
  for (const auto& item : list) {
    PullRequest pr = pull_request_from_json(item);
    if (pr.head == head) return pr;
  }
  return std::nullopt;
}

PullRequest GitHubProvider::create(const PullRequestFields& f) {
  json body = {
      {"title", f.title}, {"head", f.head}, {"base", f.base}, {"body", f.body}, {"draft", f.draft}};
  return pull_request_from_json(call("POST", "pulls", body));
}

PullRequest GitHubProvider::update(std::int64_t number, const PullRequestFields& f) {
  json body = {{"title", f.title}, {"body", f.body}, {"base", f.base}};
  return pull_request_from_json(call("PATCH", "pulls/" + std::to_string(number), body));
}

void GitHubProvider::add_labels(std::int64_t number, const std::vector<std::string>& labels) {
  if (labels.empty()) return;
  call("POST", "issues/" + std::to_string(number) + "/labels", json{{"labels", labels}});
}

PullRequest GitHubProvider::get(std::int64_t number) {
  return pull_request_from_json(call("GET", "pulls/" + std::to_string(number)));
}

std::string GitHubProvider::checks(const std::string& sha) {
  json combined = call("GET", "commits/" + url_encode(sha) + "/status");
  json runs = call("GET", "commits/" + url_encode(sha) + "/check-runs");
  return combine_checks(combined, runs);
}

void GitHubProvider::merge(std::int64_t number, const std::string& sha) {
  json body = {{"sha", sha}};
  json r = call("PUT", "pulls/" + std::to_string(number) + "/merge", body);
  if (!r.value("merged", false)) {
    throw ForgeError("github: " + repository_ + ": PUT pulls/" + std::to_string(number) +
                         "/merge: not merged: " + r.value("message", ""),
                     200);
  }
}

}  // namespace tako::forge
