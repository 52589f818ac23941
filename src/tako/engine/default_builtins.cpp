#include "tako/engine/default_builtins.h"

#include "tako/engine/builtins/checkout_step.h"
#include "tako/engine/builtins/create_pull_request_step.h"
#include "tako/engine/builtins/poll_step.h"
#include "tako/engine/builtins/update_dependency_step.h"

namespace tako::engine {

void register_default_builtins(BuiltinRegistry& registry, const BuiltinServices& services) {
  registry.add("tako/checkout@v1",
               std::make_shared<CheckoutStep>(services.cache, services.workspaces));
  registry.add("tako/update-dependency@v1",
               std::make_shared<UpdateDependencyStep>(services.universe));
  registry.add("tako/create-pull-request@v1", std::make_shared<CreatePullRequestStep>());
  registry.add("tako/poll@v1", std::make_shared<PollStep>());
  // tako/fan-out@v1 needs the tree's universe and workspaces: `tako exec` adds it.
}

}  // namespace tako::engine
