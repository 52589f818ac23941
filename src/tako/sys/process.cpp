#include "tako/sys/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

extern char** environ;

namespace tako::sys {

namespace {

using Clock = std::chrono::steady_clock;

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end = Fd(fds[0]);
  write_end = Fd(fds[1]);
  return true;
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

// RAII for posix_spawn's attribute objects.
struct SpawnAttrs {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnAttrs() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnAttrs() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// Reads what is available from `fd`; returns false at end of file (or a hard error).
bool read_available(int fd, const std::function<void(std::string_view)>& sink, bool until_eagain) {
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      if (sink) sink(std::string_view(buf, static_cast<size_t>(n)));
      if (!until_eagain) return true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    return false;
  }
}

}  // namespace

std::string ProcessResult::describe() const {
  if (!spawn_error.empty()) return spawn_error;
  if (cancelled) return "cancelled";
  if (timed_out) return "timed out";
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exit_code);
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

ProcessResult run_process(const ProcessSpec& spec, const CancelToken* cancel) {
  ProcessResult result;
  if (spec.argv.empty()) {
    result.spawn_error = "no program to run";
    return result;
  }
  ignore_sigpipe_once();
  if (cancel != nullptr && cancel->cancelled()) {
    result.cancelled = true;
    return result;
  }
  if (!spec.cwd.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(spec.cwd, ec)) {
      result.spawn_error = "working directory " + spec.cwd.string() + " does not exist";
      return result;
    }
  }

  Fd out_r, out_w, err_r, err_w, in_r, in_w;
  if (!make_pipe(out_r, out_w) || !make_pipe(err_r, err_w) ||
      (spec.stdin_data && !make_pipe(in_r, in_w))) {
    result.spawn_error = std::string("cannot create pipe: ") + std::strerror(errno);
    return result;
  }

  SpawnAttrs sa;
  if (spec.stdin_data) {
    posix_spawn_file_actions_adddup2(&sa.actions, in_r.get(), 0);
  } else {
    posix_spawn_file_actions_addopen(&sa.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&sa.actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&sa.actions, err_w.get(), 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&sa.actions, spec.cwd.c_str());

  sigset_t empty_mask, defaults;
  sigemptyset(&empty_mask);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM,
                  SIGTSTP, SIGTTIN, SIGTTOU}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setflags(&sa.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&sa.attr, 0);
  posix_spawnattr_setsigmask(&sa.attr, &empty_mask);
  posix_spawnattr_setsigdefault(&sa.attr, &defaults);

  std::vector<char*> argv;
  argv.reserve(spec.argv.size() + 1);
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  char** envp_ptr = environ;
  if (!spec.env.empty()) {
    envp.reserve(spec.env.size() + 1);
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    envp_ptr = envp.data();
  }

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &sa.actions, &sa.attr, argv.data(), envp_ptr);
  out_w.reset();
  err_w.reset();
  in_r.reset();
  if (rc != 0) {
    result.spawn_error = spec.argv[0] + ": " + std::strerror(rc);
    result.exit_code = 127;
    return result;
  }
  const pid_t pgid = pid;

  set_nonblocking(out_r.get());
  set_nonblocking(err_r.get());
  if (in_w.valid()) set_nonblocking(in_w.get());

  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  Fd wake;
  std::uint64_t subscription = 0;
  if (cancel != nullptr) {
    wake = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    const int wake_fd = wake.get();
    subscription = cancel->subscribe([wake_fd] {
      std::uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
    });
  }

  const auto start = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (spec.timeout) deadline = start + *spec.timeout;
  Clock::time_point kill_at{};
  bool kill_pending = false;
  bool term_sent = false;
  size_t stdin_off = 0;
  bool exited = false;

  auto terminate = [&] {
    if (term_sent) return;
    term_sent = true;
    if (spec.on_terminate) spec.on_terminate();
    ::kill(-pgid, SIGTERM);
    kill_at = Clock::now() + spec.kill_grace;
    kill_pending = true;
  };
  auto leader_exited = [&]() -> bool {
    siginfo_t info{};
    info.si_pid = 0;
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      return errno != EINTR;
    }
    return info.si_pid == pid;
  };

  while (!exited) {
    pollfd fds[5];
    int nfds = 0;
    int i_out = -1, i_err = -1, i_in = -1, i_pid = -1, i_wake = -1;
    if (out_r.valid()) {
      i_out = nfds;
      fds[nfds++] = {out_r.get(), POLLIN, 0};
    }
    if (err_r.valid()) {
      i_err = nfds;
      fds[nfds++] = {err_r.get(), POLLIN, 0};
    }
    if (in_w.valid()) {
      i_in = nfds;
      fds[nfds++] = {in_w.get(), POLLOUT, 0};
    }
    if (pidfd.valid()) {
      i_pid = nfds;
      fds[nfds++] = {pidfd.get(), POLLIN, 0};
    }
    if (wake.valid() && !term_sent) {
      i_wake = nfds;
      fds[nfds++] = {wake.get(), POLLIN, 0};
    }
    int timeout_ms = -1;
    auto now = Clock::now();
    auto until = [&](Clock::time_point t) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
      int v = ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms, 1 << 30));
      timeout_ms = timeout_ms < 0 ? v : std::min(timeout_ms, v);
    };
    if (deadline && !term_sent) until(*deadline);
    if (kill_pending) until(kill_at);
    if (!pidfd.valid()) timeout_ms = timeout_ms < 0 ? 10 : std::min(timeout_ms, 10);

    int n = ::poll(fds, static_cast<nfds_t>(nfds), timeout_ms);
    if (n < 0 && errno != EINTR) break;
    if (n > 0) {
      if (i_out >= 0 && fds[i_out].revents != 0 &&
          !read_available(out_r.get(), spec.on_stdout, false)) {
        out_r.reset();
      }
      if (i_err >= 0 && fds[i_err].revents != 0 &&
          !read_available(err_r.get(), spec.on_stderr, false)) {
        err_r.reset();
      }
      if (i_in >= 0 && fds[i_in].revents != 0) {
        const std::string& data = *spec.stdin_data;
        while (stdin_off < data.size()) {
          ssize_t w = ::write(in_w.get(), data.data() + stdin_off, data.size() - stdin_off);
          if (w > 0) {
            stdin_off += static_cast<size_t>(w);
          } else {
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            stdin_off = data.size();  // EPIPE: the child does not read its input
          }
        }
        if (stdin_off >= data.size()) in_w.reset();
      }
      if (i_wake >= 0 && fds[i_wake].revents != 0) {
        result.cancelled = true;
        terminate();
      }
      if (i_pid >= 0 && fds[i_pid].revents != 0) exited = true;
    }
    if (!pidfd.valid() && leader_exited()) exited = true;
    now = Clock::now();
    if (!exited && deadline && !term_sent && now >= *deadline) {
      result.timed_out = true;
      terminate();
    }
    if (!exited && kill_pending && now >= kill_at) {
      ::kill(-pgid, SIGKILL);
      kill_pending = false;
    }
  }

  // The leader has exited (it is a zombie until reaped below, so its group id cannot be
  // reused): take what it wrote, then kill anything it left running in its group.
  if (out_r.valid()) read_available(out_r.get(), spec.on_stdout, true);
  if (err_r.valid()) read_available(err_r.get(), spec.on_stderr, true);
  ::kill(-pgid, SIGKILL);
  if (cancel != nullptr) cancel->unsubscribe(subscription);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  }
  return result;
}

Captured run_captured(const ProcessSpec& spec, const CancelToken* cancel) {
  Captured captured;
  ProcessSpec copy = spec;
  copy.on_stdout = [&captured, &spec](std::string_view chunk) {
    captured.out.append(chunk);
    if (spec.on_stdout) spec.on_stdout(chunk);
  };
  copy.on_stderr = [&captured, &spec](std::string_view chunk) {
    captured.err.append(chunk);
    if (spec.on_stderr) spec.on_stderr(chunk);
  };
  captured.result = run_process(copy, cancel);
  return captured;
}

}  // namespace tako::sys
