#include "tako/forge/http.h"

#include <gtest/gtest.h>

namespace tako::forge {
namespace {

using namespace std::chrono_literals;

HttpResponse response(long status, std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

TEST(RetryDelay, ServerErrorsBackOffExponentially) {
  const RetryPolicy policy;  // 1s, doubled
  const auto now = std::chrono::seconds(1'700'000'000);
  EXPECT_EQ(retry_delay(response(502), 0, policy, now), std::optional(1000ms));
  EXPECT_EQ(retry_delay(response(503), 1, policy, now), std::optional(2000ms));
  EXPECT_EQ(retry_delay(response(500), 2, policy, now), std::optional(4000ms));
  EXPECT_EQ(retry_delay(response(0), 0, policy, now), std::optional(1000ms));  // no connection
}

TEST(RetryDelay, ClientErrorsAreNotRetried) {
  const RetryPolicy policy;
  const auto now = std::chrono::seconds(1'700'000'000);
  for (long status : {200L, 201L, 400L, 401L, 404L, 405L, 409L, 422L}) {
    EXPECT_EQ(retry_delay(response(status), 0, policy, now), std::nullopt) << status;
  }
  // A 403 that is no rate limit (a missing permission) is not retried either.
  EXPECT_EQ(retry_delay(response(403, {{"x-ratelimit-remaining", "17"}}), 0, policy, now),
            std::nullopt);
}

TEST(RetryDelay, RateLimitsWaitAsTheServerSays) {
  const RetryPolicy policy;
  const auto now = std::chrono::seconds(1'700'000'000);
  EXPECT_EQ(retry_delay(response(429, {{"retry-after", "7"}}), 0, policy, now),
            std::optional(7000ms));
  EXPECT_EQ(retry_delay(response(403, {{"x-ratelimit-remaining", "0"},
                                       {"x-ratelimit-reset", "1700000030"}}),
                        0, policy, now),
            std::optional(30000ms));
  EXPECT_EQ(retry_delay(response(503, {{"retry-after", "3"}}), 3, policy, now),
            std::optional(3000ms));
  // A reset an hour away is not waited for: the error goes to the user.
  EXPECT_EQ(retry_delay(response(403, {{"x-ratelimit-remaining", "0"},
                                       {"x-ratelimit-reset", "1700003600"}}),
                        0, policy, now),
            std::nullopt);
}

}  // namespace
}  // namespace tako::forge
