#include "tako/engine/default_builtins.h"

namespace tako::engine {

void register_default_builtins(BuiltinRegistry& registry) {
  (void)registry;
  // registry.add("tako/fan-out@v1", std::make_shared<FanOutStep>());
}

}  // namespace tako::engine
