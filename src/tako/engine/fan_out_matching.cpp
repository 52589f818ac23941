#include "tako/engine/fan_out_matching.h"

#include "tako/cel/cel.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

std::vector<SubscriberVerdict> match_subscribers(const std::vector<Subscriber>& subscribers,
                                                 const Event& event, FilterCache& filters) {
  // Binding the event costs more than evaluating a filter: bound once for every subscriber.
  const cel::Activation vars = filter_activation(event);
  std::vector<SubscriberVerdict> verdicts;
  for (const auto& subscriber : subscribers) {
    if (subscriber.repo.identity == event.source) continue;
    SubscriberVerdict v;
    v.repo = subscriber.repo;
    std::optional<std::size_t> chosen;
    std::optional<std::size_t> first_miss;
    for (std::size_t i = 0; i < subscriber.subscriptions.size(); ++i) {
      const auto& sub = subscriber.subscriptions[i];
      MatchResult m = match_subscription(sub, event, filters, vars);
      if (!m.subscribed()) continue;
      if (m.kind == MatchResult::Kind::kFilterError) {
        v.filter_warnings.push_back(subscriber.repo.identity + ": " + m.reason);
      }
      if (!m.matched()) {
        if (!first_miss && !chosen) {
          first_miss = i;
          v.result = std::move(m);
        }
        continue;
      }
      if (!chosen) {
        chosen = i;
        v.result = std::move(m);
      } else {
        v.ignored.push_back("- " + subscriber.repo.identity + ": subscription " +
                            std::to_string(i + 1) + " (workflow " + sub.workflow +
                            ") ignored: subscription " + std::to_string(*chosen + 1) +
                            " matched first");
      }
    }
    if (!chosen && !first_miss) continue;  // subscribes to this type, but not from here
    v.subscription_index = chosen ? *chosen : *first_miss;
    v.subscription = subscriber.subscriptions[v.subscription_index];
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

std::map<std::string, std::string> render_subscription_inputs(const config::Subscription& sub,
                                                              const Event& event,
                                                              tmpl::TemplateCache& templates) {
  std::map<std::string, std::string> inputs;
  const nlohmann::json data{{"event", event.to_json()}};
  for (const auto& [name, text] : sub.inputs) {
    try {
      inputs[name] = templates.get(text)->render(data);
    } catch (const std::exception& e) {
      throw InputRenderError(name, text, e.what());
    }
  }
  return inputs;
}

}  // namespace tako::engine
