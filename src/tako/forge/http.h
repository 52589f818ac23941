#pragma once

// HTTP for forge providers, through libcurl. Retries what is worth retrying: transport errors,
// 5xx, 429 and a 403 that says the rate limit is exhausted, waiting as the server asks
// (`Retry-After`, `X-RateLimit-Reset`) or with exponential backoff. Never logs a header: the
// Authorization header carries a token.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tako/sys/cancel.h"

namespace tako::forge {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::string> body;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string header(const std::string& lower_name) const;
};

// The request could not be sent (after the retries), or it was cancelled.
struct HttpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RetryPolicy {
  int attempts = 4;                                             // tries in all
  std::chrono::milliseconds backoff{1000};                      // doubled after each try
  std::chrono::milliseconds max_wait{std::chrono::minutes(5)};  // longest single wait
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // one request
};

// How long to wait before retrying `response` (try number `attempt`, 0-based), or nullopt when
// it is not worth retrying. `now` is the Unix time (for X-RateLimit-Reset).
std::optional<std::chrono::milliseconds> retry_delay(const HttpResponse& response, int attempt,
                                                     const RetryPolicy& policy,
                                                     std::chrono::seconds now);

class HttpClient {
 public:
  explicit HttpClient(RetryPolicy policy = {}, const sys::CancelToken* cancel = nullptr);
  // Sends `request`, retrying as described above; returns the last response (any status).
  // `on_retry` (may be empty) is told about each retry: "HTTP 502, retrying in 2s".
  HttpResponse send(const HttpRequest& request,
                    const std::function<void(const std::string&)>& on_retry = {}) const;

 private:
  HttpResponse send_once(const HttpRequest& request) const;
  RetryPolicy policy_;
  const sys::CancelToken* cancel_;
};

}  // namespace tako::forge
