#include "tako/sys/slurm_executor.h"

#include <unistd.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <thread>

#include "tako/sys/random.h"
#include "tako/sys/shell_words.h"

namespace tako::sys {

namespace {

constexpr std::string_view kSrunPrefix = "srun: ";
constexpr std::string_view kStepdPrefix = "slurmstepd";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Whether `line` (so far) may still turn out to be one of Slurm's own.
bool may_be_slurm(std::string_view line) {
  auto compatible = [&](std::string_view prefix) {
    const size_t n = std::min(line.size(), prefix.size());
    return line.substr(0, n) == prefix.substr(0, n);
  };
  return compatible(kSrunPrefix) || compatible(kStepdPrefix);
}

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& kv : env) {
    if (kv.size() > name.size() && kv[name.size()] == '=' && starts_with(kv, name))
      return kv.substr(name.size() + 1);
  }
  return "";
}

// `program` in the directories of `path`, or "".
std::string find_in_path(const std::string& program, const std::string& path) {
  size_t at = 0;
  while (at <= path.size()) {
    size_t colon = path.find(':', at);
    if (colon == std::string::npos) colon = path.size();
    const std::string dir = path.substr(at, colon - at);
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = colon + 1;
  }
  return "";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string slurm_job_comment(const std::string& tree_tag, const std::string& job_tag) {
  return "tako-tree=" + tree_tag + " job=" + job_tag;
}

std::vector<std::string> srun_argv(const JobSpec& job, const std::string& job_tag,
                                   const std::vector<std::string>& extra) {
  std::vector<std::string> argv{"srun"};
  argv.push_back("--job-name=" + job.name);
  argv.push_back("--comment=" + slurm_job_comment(job.tree_tag, job_tag));
  if (!job.process.cwd.empty()) argv.push_back("--chdir=" + job.process.cwd.string());
  argv.push_back("--ntasks=1");
  long cpus = 1;
  if (!job.cpu_limit.empty()) {
    try {
      cpus = std::max(1L, static_cast<long>(std::ceil(std::stod(job.cpu_limit))));
    } catch (const std::exception&) {
      throw std::invalid_argument("resources.cpu_limit '" + job.cpu_limit + "' is not a number");
    }
  }
  argv.push_back("--cpus-per-task=" + std::to_string(cpus));
  if (job.mem_limit) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    argv.push_back(
        "--mem=" + std::to_string(std::max<std::uint64_t>(1, (*job.mem_limit + kMiB - 1) / kMiB)) +
        "M");
  }
  if (job.process.timeout) {
    // Slurm's own limit is a backstop for when tako is gone; tako's timer ends the step first.
    const auto ms = job.process.timeout->count();
    argv.push_back("--time=" + std::to_string((ms + 59999) / 60000 + 1));
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), job.process.argv.begin(), job.process.argv.end());
  return argv;
}

// ---- SlurmStderrFilter ----

SlurmStderrFilter::SlurmStderrFilter(std::function<void(std::string_view)> sink,
                                     std::function<void(JobState)> on_state)
    : sink_(std::move(sink)), on_state_(std::move(on_state)) {}

void SlurmStderrFilter::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const std::string_view part =
        chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl + 1);
    chunk.remove_prefix(part.size());
    const bool line_ends = part.back() == '\n';
    if (holding_) {
      held_.append(part);
      const std::string_view body =
          line_ends ? std::string_view(held_).substr(0, held_.size() - 1) : std::string_view(held_);
      if (!may_be_slurm(body)) {
        if (sink_) sink_(held_);
        held_.clear();
        holding_ = line_ends;
      } else if (line_ends) {
        std::string line = std::move(held_);
        held_.clear();
        line.pop_back();
        end_line(std::move(line));
      }
    } else {
      if (sink_) sink_(part);
      holding_ = line_ends;
    }
  }
}

void SlurmStderrFilter::finish() {
  if (!holding_ || held_.empty()) return;
  std::string rest = std::move(held_);
  held_.clear();
  if (starts_with(rest, kSrunPrefix) || starts_with(rest, kStepdPrefix)) {
    end_line(std::move(rest));
  } else if (sink_) {
    sink_(rest);  // a partial line of the step's that merely looked like the start of one
  }
}

void SlurmStderrFilter::end_line(std::string line) {
  holding_ = true;
  if (!starts_with(line, kSrunPrefix) && !starts_with(line, kStepdPrefix)) {
    if (sink_) sink_(line + "\n");
    return;
  }
  if (starts_with(line, "srun: job ") &&
      line.find(" queued and waiting for resources") != std::string::npos) {
    if (on_state_) on_state_(JobState::kQueued);
    return;
  }
  if (starts_with(line, "srun: job ") &&
      line.find(" has been allocated resources") != std::string::npos) {
    if (on_state_) on_state_(JobState::kRunning);
    return;
  }
  // "srun: error: <node>: task 0: Exited with exit code 3": the exit code says it already.
  if (starts_with(line, "srun: error: ") && line.find(": task ") != std::string::npos) return;
  messages_.push_back(std::move(line));
}

// ---- SlurmExecutor ----

SlurmExecutor::SlurmExecutor(std::vector<std::string> environment)
    : environment_(std::move(environment)) {
  const std::string options = env_value(environment_, "TAKO_SLURM_OPTIONS");
  try {
    extra_options_ = split_shell_words(options);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("TAKO_SLURM_OPTIONS: " + std::string(e.what()));
  }
}

ProcessSpec SlurmExecutor::slurm_command(std::vector<std::string> argv) const {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = environment_;
  spec.timeout = std::chrono::seconds(60);
  spec.kill_grace = std::chrono::seconds(2);
  return spec;
}

std::string SlurmExecutor::unusable() const {
  const std::string path = env_value(environment_, "PATH");
  for (const char* program : {"srun", "squeue", "scancel", "scontrol"}) {
    if (find_in_path(program, path).empty()) {
      return std::string("'") + program + "' not found in PATH (" + path +
             "); the slurm executor needs Slurm's client commands (Debian: slurm-client)";
    }
  }
  const Captured ping = run_captured(slurm_command({"scontrol", "ping"}));
  const std::string said = trim(ping.out + ping.err);
  if (!ping.result.ok() || said.find("UP") == std::string::npos) {
    const std::string conf = env_value(environment_, "SLURM_CONF");
    return "the Slurm controller does not answer: `scontrol ping` (SLURM_CONF=" +
           (conf.empty() ? std::string("default") : conf) +
           ") said: " + (said.empty() ? ping.result.describe() : said);
  }
  return "";
}

std::vector<std::string> SlurmExecutor::jobs_where(
    const std::function<bool(const std::string&)>& match) const {
  // %i job id, %k comment; -a: jobs of hidden partitions too.
  const Captured listed = run_captured(slurm_command({"squeue", "-h", "-a", "-o", "%i|%k"}));
  if (!listed.result.ok()) {
    throw std::runtime_error("cannot list Slurm jobs: `squeue` " + listed.result.describe() + ": " +
                             trim(listed.err));
  }
  std::vector<std::string> ids;
  size_t at = 0;
  while (at < listed.out.size()) {
    size_t nl = listed.out.find('\n', at);
    if (nl == std::string::npos) nl = listed.out.size();
    const std::string line = listed.out.substr(at, nl - at);
    at = nl + 1;
    const size_t bar = line.find('|');
    if (bar == std::string::npos) continue;
    if (match(line.substr(bar + 1))) ids.push_back(line.substr(0, bar));
  }
  return ids;
}

void SlurmExecutor::cancel_jobs(const std::vector<std::string>& ids) const {
  if (ids.empty()) return;
  std::vector<std::string> argv{"scancel", "--quiet"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  run_captured(slurm_command(argv));
  // scancel returns at once; the job stays in squeue (COMPLETING) until its processes are gone.
  const std::set<std::string> wanted(ids.begin(), ids.end());
  for (int i = 0; i < 600; ++i) {
    std::vector<std::string> left;
    try {
      left = jobs_where([](const std::string&) { return true; });
    } catch (const std::exception&) {
      return;
    }
    bool any = false;
    for (const auto& id : left) any = any || wanted.count(id) != 0;
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

ProcessResult SlurmExecutor::run(const JobSpec& job, const CancelToken* cancel) {
  const std::string job_tag = random_hex(8);
  ProcessSpec spec = job.process;
  try {
    spec.argv = srun_argv(job, job_tag, extra_options_);
  } catch (const std::invalid_argument& e) {
    ProcessResult bad;
    bad.spawn_error = e.what();
    return bad;
  }
  // Slurm kills the job's processes itself; the grace only bounds how long srun may take.
  SlurmStderrFilter filter(job.process.on_stderr, job.on_state);
  spec.on_stderr = [&filter](std::string_view chunk) { filter.feed(chunk); };
  ProcessResult result = run_process(spec, cancel);
  filter.finish();
  if (!result.spawn_error.empty()) {
    result.spawn_error += " (the slurm executor runs each step with srun)";
    return result;
  }
  const bool ended_by_tako = result.cancelled || result.timed_out;
  if (!ended_by_tako && job.process.on_stderr) {
    for (const auto& m : filter.messages()) job.process.on_stderr(m + "\n");
  }
  // srun cancels its job when it gets SIGTERM; if it had to be killed, or the job survived it
  // in any way, scancel what still carries this job's comment.
  if (ended_by_tako || result.signal != 0) {
    const std::string comment = slurm_job_comment(job.tree_tag, job_tag);
    try {
      cancel_jobs(jobs_where([&comment](const std::string& c) { return c == comment; }));
    } catch (const std::exception&) {
      // The controller is gone: nothing of it can be listed, nor left running by it.
    }
  }
  return result;
}

std::size_t SlurmExecutor::end_tree(const std::string& tree_tag) {
  const std::string prefix = "tako-tree=" + tree_tag + " ";
  const auto ids = jobs_where([&prefix](const std::string& c) { return c.rfind(prefix, 0) == 0; });
  cancel_jobs(ids);
  return ids.size();
}

}  // namespace tako::sys
