#pragma once

// The built-in step `tako/fan-out@v1` (SPEC §7): emits an event, finds the repositories of
// the universe subscribed to it, and runs each one's workflow as an isolated child run — at
// most `concurrency_limit` at once — waiting (by default) for the whole subtree.
//
// One FanOutStep serves a whole execution tree (every fan-out of the root and of its
// children): it owns the children started with `wait_for_children: false` and knows every
// workspace made, so that `tako exec` can wait for the first and clean up the second.

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tako/engine/builtin.h"
#include "tako/engine/event.h"
#include "tako/repo/child_workspace.h"
#include "tako/repo/tree_locks.h"
#include "tako/repo/universe.h"

namespace tako::engine {

class FanOutBatch;
class Printer;

// Children of fan-outs that did not wait for them, once they have all ended.
struct BackgroundReport {
  std::vector<std::string> lines;  // one summary block per fan-out, as in SPEC §7
  int failed = 0;                  // children that failed or were cancelled
};

class FanOutStep : public BuiltinStep {
 public:
  // `tree_cancel` (may be null) cancels the whole tree (Ctrl-C); it must outlive this object.
  FanOutStep(const repo::Universe& universe, repo::ChildWorkspaces& workspaces,
             const sys::CancelToken* tree_cancel);
  ~FanOutStep() override;

  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;

  // Blocks until every child started by a `wait_for_children: false` fan-out has ended.
  BackgroundReport wait_background();

  // Removes every child workspace made in this tree (and the tree's workspace directory),
  // `parallel` at a time.
  void remove_workspaces(const std::filesystem::path& tree_dir, int parallel);

  // What the tree holds until it ends (its workspace tree, the clones it uses), so that
  // cleaning beside it keeps them; released when this object goes.
  repo::TreeLocks& tree_locks() { return tree_locks_; }

 private:
  const repo::Universe& universe_;
  repo::ChildWorkspaces& workspaces_;
  std::mutex mu_;
  std::vector<std::unique_ptr<FanOutBatch>> background_;
  std::vector<std::filesystem::path> made_;
  std::atomic<int> tree_children_{0};
  std::atomic<bool> warned_size_{false};
  const sys::CancelToken* tree_cancel_;
  repo::TreeLocks tree_locks_;

  friend class FanOutBatch;
  void note_workspace(const std::filesystem::path& dir);
  // Counts a started child; warns once when the tree grows past 50 repositories (SPEC §12).
  void note_child(Printer& printer);
};

// The event a fan-out step emits (SPEC §7.1): type, schema version, artifact and payload
// from `with` and the last earlier step that declared `produces.events` of that type.
// Throws std::runtime_error for a missing event_type or an oversized payload.
Event build_event(const StepContext& ctx);

// Largest canonical event payload accepted, in bytes: it travels to every child in the
// TAKO_EVENT_PAYLOAD environment variable, which the kernel caps at 128 KiB.
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

}  // namespace tako::engine
