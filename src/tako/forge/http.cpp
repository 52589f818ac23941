#include "tako/forge/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <thread>

#include "tako/sys/clock.h"

namespace tako::forge {

namespace {

// curl_global_init is not thread-safe: done once, before the first handle.
void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t write_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t write_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    (*headers)[name] = value;
  } else if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a redirect or 100 Continue)
  }
  return size * n;
}

std::optional<long long> to_number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string describe_wait(std::chrono::milliseconds ms) {
  return sys::format_duration(ms);
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::optional<std::chrono::milliseconds> retry_delay(const HttpResponse& r, int attempt,
                                                     const RetryPolicy& policy,
                                                     std::chrono::seconds now) {
  const bool rate_limited =
      r.status == 429 || (r.status == 403 && (r.header("x-ratelimit-remaining") == "0" ||
                                              !r.header("retry-after").empty()));
  if (!(r.status >= 500 || rate_limited || r.status == 0)) return std::nullopt;
  std::chrono::milliseconds wait = policy.backoff * (1LL << std::min(attempt, 20));
  if (auto after = to_number(r.header("retry-after"))) {
    wait = std::chrono::seconds(*after);
  } else if (rate_limited) {
    if (auto reset = to_number(r.header("x-ratelimit-reset"))) {
      wait = std::chrono::seconds(std::max<long long>(1, *reset - now.count()));
    }
  }
  if (wait > policy.max_wait) {
    // Waiting longer than that is not a retry any more: give the error to the user.
    return rate_limited ? std::nullopt : std::optional(policy.max_wait);
  }
  return wait;
}

HttpClient::HttpClient(RetryPolicy policy, const sys::CancelToken* cancel)
    : policy_(policy), cancel_(cancel) {
  init_curl();
}

HttpResponse HttpClient::send_once(const HttpRequest& request) const {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw HttpError("cannot start an HTTP request (curl_easy_init failed)");
  HttpResponse response;
  curl_slist* list = nullptr;
  for (const auto& h : request.headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(policy_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  if (request.body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body->size()));
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    response.status = 0;
    response.body = error[0] != '\0' ? error : curl_easy_strerror(rc);
    return response;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

HttpResponse HttpClient::send(const HttpRequest& request,
                              const std::function<void(const std::string&)>& on_retry) const {
  for (int attempt = 0;; ++attempt) {
    if (cancel_ != nullptr && cancel_->cancelled()) throw HttpError("cancelled");
    HttpResponse r = send_once(request);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    auto wait = retry_delay(r, attempt, policy_, now);
    if (!wait || attempt + 1 >= policy_.attempts) {
      if (r.status == 0) {
        throw HttpError(request.method + " " + request.url + ": " + r.body + " (after " +
                        std::to_string(attempt + 1) + (attempt == 0 ? " try)" : " tries)"));
      }
      return r;
    }
    if (on_retry) {
      on_retry((r.status == 0 ? r.body : "HTTP " + std::to_string(r.status)) + ", retrying in " +
               describe_wait(*wait));
    }
    if (cancel_ != nullptr ? cancel_->wait_for(*wait) : (std::this_thread::sleep_for(*wait), false))
      throw HttpError("cancelled");
  }
}

}  // namespace tako::forge
