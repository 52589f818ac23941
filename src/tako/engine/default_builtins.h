#pragma once

// The built-in steps `tako exec` offers. Add a built-in here (one line) once it is written;
// every other `uses:` fails its step with "… is not implemented in this version of tako".

#include "tako/engine/builtin.h"

namespace tako::repo {
class RepoCache;
class ChildWorkspaces;
class Universe;
}  // namespace tako::repo

namespace tako::engine {

// What some built-ins need from the tree (all may be null: those built-ins then fail their
// step saying so). They must outlive the registry.
struct BuiltinServices {
  repo::RepoCache* cache = nullptr;             // tako/checkout with repo:
  repo::ChildWorkspaces* workspaces = nullptr;  // tako/checkout with repo:
  const repo::Universe* universe = nullptr;     // update-dependency: the emitter's ecosystem
};

void register_default_builtins(BuiltinRegistry& registry, const BuiltinServices& services = {});

}  // namespace tako::engine
