#include "tako/repo/dir_lock.h"

#include "tako/sys/sha256.h"

namespace tako::repo {

namespace fs = std::filesystem;

fs::path directory_lock_path(const config::Home& home, const fs::path& dir) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec) canon = fs::absolute(dir).lexically_normal();
  return home.locks() / ("dir-" + sys::sha256_hex(canon.string()).substr(0, 24) + ".lock");
}

}  // namespace tako::repo
