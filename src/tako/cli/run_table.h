#pragma once

// `tako status` and `tako runs` on a terminal (SPEC §11): the same content in aligned
// columns under a header, run states in colour. Piped, both print their plain lines
// unchanged (SPEC §8), which scripts read.

#include <string>
#include <vector>

#include "tako/cli/output.h"
#include "tako/store/records.h"

namespace tako::cli {

// Whether stdout is a terminal that can be redrawn (not TERM=dumb).
bool stdout_is_terminal(const char* term_env);

// A run state in its colour (green completed, red failed, yellow running/queued/waiting,
// dim the rest) when colour is on.
std::string paint_state(const Output& output, const std::string& status_or_label);

// The lines of engine::format_status_tree as a table: a title naming the run, a header
// (REPOSITORY WORKFLOW STATE DETAILS) and one row per line, the tree drawing kept.
std::vector<std::string> status_table(const std::vector<std::string>& tree_lines,
                                      const Output& output);

// The runs of `tako runs` as a table under a header.
std::vector<std::string> runs_table(const std::vector<store::RunRecord>& runs,
                                    const Output& output);

}  // namespace tako::cli
