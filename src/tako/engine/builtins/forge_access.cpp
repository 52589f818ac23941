#include "tako/engine/builtins/forge_access.h"

#include "tako/engine/executor.h"
#include "tako/engine/printer.h"

namespace tako::engine {

namespace fs = std::filesystem;

std::string env_value(StepContext& ctx, std::string_view name) {
  for (const auto& kv : ctx.executor().environment()) {
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 && kv[name.size()] == '=')
      return kv.substr(name.size() + 1);
  }
  return "";
}

repo::GitResult git_in(StepContext& ctx, const fs::path& dir, const std::vector<std::string>& args,
                       const std::string& what) {
  repo::GitOptions options;
  options.cancel = &ctx.cancel();
  options.timeout = std::chrono::minutes(30);
  repo::GitResult r = repo::run_git(dir, args, options);
  if (!r.ok && !what.empty()) throw std::runtime_error(what + ": " + r.message());
  return r;
}

std::string default_base(StepContext& ctx, const fs::path& dir, const std::string& head) {
  auto branch = git_in(ctx, dir, {"symbolic-ref", "--quiet", "--short", "HEAD"});
  std::string name = branch.out.substr(0, branch.out.find('\n'));
  if (branch.ok && !name.empty() && name != head) return name;
  // "ref: refs/heads/main\tHEAD"
  auto remote = git_in(ctx, dir, {"ls-remote", "--symref", "origin", "HEAD"});
  const std::string prefix = "ref: refs/heads/";
  if (remote.ok && remote.out.rfind(prefix, 0) == 0) {
    const size_t end = remote.out.find_first_of("\t\n", prefix.size());
    return remote.out.substr(prefix.size(), end - prefix.size());
  }
  return "main";
}

std::unique_ptr<forge::Provider> provider_for(StepContext& ctx, const fs::path& dir,
                                              const std::string& provider,
                                              const std::string& token_name) {
  forge::ProviderSettings s;
  s.provider = provider;
  s.tako_forge = env_value(ctx, "TAKO_FORGE");
  s.remote_url = git_in(ctx, dir, {"remote", "get-url", "origin"}).out;
  while (!s.remote_url.empty() && s.remote_url.back() == '\n') s.remote_url.pop_back();
  s.repository = ctx.run().repository;
  s.api_url = env_value(ctx, "TAKO_GITHUB_API_URL");
  s.token_name = token_name.empty() ? "GITHUB_TOKEN" : token_name;
  s.token = ctx.secret(s.token_name);
  s.cancel = &ctx.cancel();
  Printer* printer = &ctx.printer();
  const SecretMasker* masker = &ctx.masker();
  s.on_retry = [printer, masker](const std::string& message) {
    printer->error_line("Warning: " + masker->mask(message));
  };
  return forge::make_provider(s);
}

}  // namespace tako::engine
