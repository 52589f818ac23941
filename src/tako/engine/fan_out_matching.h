#pragma once

// Matching an event against the subscribers of the universe (SPEC §7.2), and rendering a
// matched subscription's inputs over `.event` (SPEC §7.4). One piece of code for everything
// that decides who an event runs: the fan-out step, its --dry-run plan and `tako exec --event`.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tako/config/model.h"
#include "tako/engine/event.h"
#include "tako/engine/subscription_index.h"
#include "tako/engine/subscription_matcher.h"

namespace tako::tmpl {
class TemplateCache;
}

namespace tako::engine {

// What an event does to one subscriber repository: the first subscription in file order that
// matches, or why none did.
struct SubscriberVerdict {
  repo::RepoEntry repo;
  // The matching subscription (result.matched()), else the first one that names the event
  // but did not match, with why (schema range, a false filter, a filter error).
  std::size_t subscription_index = 0;  // 0-based, into the file's subscriptions
  config::Subscription subscription;
  MatchResult result;
  // "- acme/x: subscription 2 (workflow w) ignored: subscription 1 matched first"
  std::vector<std::string> ignored;
  // "acme/x: filter error: …", one per subscription whose filter failed to compile or run.
  std::vector<std::string> filter_warnings;

  bool matched() const { return result.matched(); }
};

// For every subscriber but the emitter (event.source), in the order given (by identity), the
// verdict; a repository none of whose subscriptions names the event's source, artifact and
// type is left out. Filters are compiled once in `filters`.
std::vector<SubscriberVerdict> match_subscribers(const std::vector<Subscriber>& subscribers,
                                                 const Event& event, FilterCache& filters);

// A subscription input that cannot be rendered: which one, its template and why.
struct InputRenderError : std::runtime_error {
  InputRenderError(std::string input_name, std::string text_, const std::string& why)
      : std::runtime_error("input '" + input_name + "': " + why),
        input(std::move(input_name)),
        text(std::move(text_)) {}
  std::string input;
  std::string text;
};

// The subscription's `inputs` rendered over `.event` (SPEC §7.4), still raw text: the child's
// workflow validates them. Throws InputRenderError.
std::map<std::string, std::string> render_subscription_inputs(const config::Subscription& sub,
                                                              const Event& event,
                                                              tmpl::TemplateCache& templates);

}  // namespace tako::engine
