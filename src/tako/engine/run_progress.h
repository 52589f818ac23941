#pragma once

// How far a run that has not ended has got, for `tako status` on a running tree (SPEC §8,
// §11): its elapsed time, the step it is running and the children it waits for; and whether
// a tako process is still running a tree at all.

#include <optional>
#include <string>

#include "tako/config/home.h"
#include "tako/store/records.h"
#include "tako/sys/clock.h"

namespace tako::store {
class RunStore;
}

namespace tako::engine {

// For a running run: "12.0s, step: build", "1m02s, step: notify, waiting for 3 children";
// for a queued one: "queued 3.0s". Without `now` the elapsed times are left out (a text that
// changes only when the run's state does). Empty for a run that has ended or is waiting.
std::string run_progress(store::RunStore& store, const store::RunRecord& run,
                         const std::optional<sys::WallTime>& now);

// A running step as status views name it (SPEC §9): "step: build", or while its job waits in
// an executor's queue (`queued_in`: "slurm") "step: build queued (slurm)".
std::string running_step_text(const std::string& step_id, const std::string& queued_in = "");

// Whether a live tako process runs the tree of `root` now: the lock of its root repository
// directory (SPEC §8) names the tree and a process that exists. A tree left `running` by a
// tako that died is not live.
bool tree_is_live(const config::Home& home, const store::RunRecord& root);

// Whether `status` has not reached an end: running, queued.
bool run_in_progress(const std::string& status);

}  // namespace tako::engine
