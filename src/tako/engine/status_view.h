#pragma once

// Text views of recorded runs for `tako status` and `tako runs` (SPEC §8).

#include <optional>
#include <string>
#include <vector>

#include "tako/store/records.h"

namespace tako::store {
class RunStore;
}

namespace tako::engine {

// The tree of `root_id`:
//   exec-20261121-103000-a1b2c3d4 release acme/go-lib [FAILED]
//   ├── acme/app-one integration_test [COMPLETED] 3.1s
//   └── acme/app-two integration_test [FAILED] step: run_tests (exit 1)
// Each delivery (event, repository, workflow) shows once, its latest attempt, marked
// "(attempt N)" after a resume re-ran it; `all_attempts` lists every attempt.
// A run that has not ended shows its progress after its label (run_progress.h):
//   └── acme/app-two integration_test [RUNNING] 12.0s, step: run_tests
// with its elapsed time unless `elapsed` is false.
std::vector<std::string> format_status_tree(store::RunStore& store, const std::string& run_id,
                                            bool all_attempts = false, bool elapsed = true);

// "[COMPLETED]", "[FAILED]", …
std::string status_label(const std::string& status);

// Milliseconds between two ISO-8601 times; nullopt when either is missing.
std::optional<long long> elapsed_ms(const std::string& started_at, const std::string& ended_at);

// How long an ended run took: the sum of its attempts' own times (a resumed run does not
// count the gap between a killed attempt and its resume); nullopt while it runs.
std::optional<long long> run_duration_ms(const store::RunRecord& run);

// Whether `run` completed with every step restored from the step cache (SPEC §8): shown as
// "[COMPLETED] (cached)" by `tako status` and `tako runs`, "cached": true in their JSON.
bool run_is_cached(const store::RunRecord& run);

// One line of `tako runs`: id, status, workflow, repository, start time, duration; a cached
// run's status is "[COMPLETED] (cached)".
std::string format_run_line(const store::RunRecord& run);

}  // namespace tako::engine
