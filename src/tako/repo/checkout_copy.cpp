#include "tako/repo/checkout_copy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "tako/sys/sha256.h"

namespace tako::repo {

namespace fs = std::filesystem;

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::uint16_t be16(const unsigned char* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::string errno_text(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Git's own test (read-cache.c, ie_match_stat): the file is as git last saw it when its stat
// data matches the entry's, and it was not modified in the tick the index was written in.
bool unchanged_by_stat(const IndexEntry& e, const struct stat& st, const GitIndex& index) {
  if (e.size == 0 || static_cast<std::uint32_t>(st.st_size) != e.size) return false;
  if (static_cast<std::uint32_t>(st.st_mtim.tv_sec) != e.mtime_s ||
      static_cast<std::uint32_t>(st.st_mtim.tv_nsec) != e.mtime_ns ||
      static_cast<std::uint32_t>(st.st_ctim.tv_sec) != e.ctime_s ||
      static_cast<std::uint32_t>(st.st_ctim.tv_nsec) != e.ctime_ns ||
      static_cast<std::uint32_t>(st.st_ino) != e.ino) {
    return false;
  }
  const bool racy = st.st_mtim.tv_sec > index.mtime_s ||
                    (st.st_mtim.tv_sec == index.mtime_s && st.st_mtim.tv_nsec >= index.mtime_ns);
  return !racy;
}

// The object name of a blob holding `content` (SHA-1 repositories only).
std::string blob_name(std::string_view content) {
  std::string object = "blob " + std::to_string(content.size());
  object.push_back('\0');
  object.append(content);
  return sys::sha1_hex(object);
}

std::optional<std::string> read_whole(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

std::optional<GitIndex> read_git_index(const fs::path& path, std::size_t hash_size) {
  struct stat index_st {};
  if (::stat(path.c_str(), &index_st) != 0) return std::nullopt;
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t size = data.size();
  if (size < 12 || std::memcmp(p, "DIRC", 4) != 0) return std::nullopt;
  const std::uint32_t version = be32(p + 4);
  if (version != 2 && version != 3) return std::nullopt;
  const std::uint32_t count = be32(p + 8);
  // ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each), hash, flags (2).
  const std::size_t fixed = 40 + hash_size + 2;
  GitIndex index;
  index.mtime_s = index_st.st_mtim.tv_sec;
  index.mtime_ns = index_st.st_mtim.tv_nsec;
  auto& entries = index.entries;
  entries.reserve(count);
  std::size_t at = 12;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + fixed > size) return std::nullopt;
    const unsigned char* e = p + at;
    const std::uint32_t mode = be32(e + 24);
    const std::uint16_t flags = be16(e + 40 + hash_size);
    if ((flags & 0x3000) != 0) return std::nullopt;  // a conflict: not a clean checkout
    std::size_t header = fixed;
    if ((flags & 0x4000) != 0) {
      if (version < 3) return std::nullopt;
      header += 2;  // extended flags
    }
    const std::size_t name_start = at + header;
    const void* nul = std::memchr(p + name_start, '\0', size > name_start ? size - name_start : 0);
    if (nul == nullptr) return std::nullopt;
    const std::size_t name_len = static_cast<const unsigned char*>(nul) - (p + name_start);
    if (name_len == 0) return std::nullopt;
    IndexEntry entry;
    entry.path.assign(data, name_start, name_len);
    entry.mode = mode;
    entry.ctime_s = be32(e);
    entry.ctime_ns = be32(e + 4);
    entry.mtime_s = be32(e + 8);
    entry.mtime_ns = be32(e + 12);
    entry.ino = be32(e + 20);
    entry.size = be32(e + 36);
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t b = 0; b < hash_size; ++b) {
      entry.hash.push_back(kHex[e[40 + b] >> 4]);
      entry.hash.push_back(kHex[e[40 + b] & 0xf]);
    }
    // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
    at += (header + name_len + 8) & ~std::size_t{7};
    // Never leave the destination: no absolute path, no `..` or `.git` component.
    if (entry.path.front() == '/') return std::nullopt;
    for (std::size_t s = 0; s <= entry.path.size();) {
      std::size_t e2 = entry.path.find('/', s);
      if (e2 == std::string::npos) e2 = entry.path.size();
      const std::string_view part(entry.path.data() + s, e2 - s);
      if (part.empty() || part == "." || part == ".." || part == ".git") return std::nullopt;
      s = e2 + 1;
    }
    entries.push_back(std::move(entry));
  }
  return index;
}

std::string copy_regular_file(const fs::path& from, const fs::path& to, unsigned mode,
                              bool reflink) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (in.fd < 0) return errno_text("cannot open", from);
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)};
  if (out.fd < 0) return errno_text("cannot create", to);
  if (reflink && ::ioctl(out.fd, FICLONE, in.fd) == 0) return "";
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) return errno_text("cannot stat", from);
  off_t left = st.st_size;
  bool plain = false;  // copy_file_range refused: read and write
  while (left > 0 && !plain) {
    const ssize_t n = ::copy_file_range(in.fd, nullptr, out.fd, nullptr, left, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
        plain = true;
        break;
      }
      return errno_text("cannot copy to", to);
    }
    if (n == 0) break;  // the file shrank while copying
    left -= n;
  }
  if (plain) {
    if (::lseek(in.fd, 0, SEEK_SET) < 0 || ::ftruncate(out.fd, 0) != 0 ||
        ::lseek(out.fd, 0, SEEK_SET) < 0) {
      return errno_text("cannot copy to", to);
    }
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::read(in.fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno_text("cannot read", from);
      if (n == 0) break;
      for (ssize_t done = 0; done < n;) {
        const ssize_t w = ::write(out.fd, buffer + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return errno_text("cannot write", to);
        done += w;
      }
    }
  }
  return "";
}

CheckoutCopy copy_checkout(const fs::path& source, const fs::path& dest, const GitIndex& index,
                           bool reflink) {
  CheckoutCopy result;
  std::string made_dir;         // the last directory created (entries are sorted by path)
  std::set<std::string> links;  // symlinks made: nothing is written through one
  std::error_code ec;
  auto under_link = [&links](const std::string& path) {
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (links.count(path.substr(0, slash)) != 0) return true;
    return false;
  };
  for (const auto& entry : index.entries) {
    if (!links.empty() && under_link(entry.path)) {
      result.error = "the index lists " + entry.path + " beneath a symbolic link";
      return result;
    }
    const auto slash = entry.path.rfind('/');
    if (slash != std::string::npos) {
      const std::string parent = entry.path.substr(0, slash);
      if (parent != made_dir) {
        fs::create_directories(dest / parent, ec);
        if (ec) {
          result.error = "cannot create " + (dest / parent).string() + ": " + ec.message();
          return result;
        }
        made_dir = parent;
      }
    }
    const fs::path from = source / entry.path;
    const fs::path to = dest / entry.path;
    const unsigned type = entry.mode & 0170000;
    if (type == 0160000) {  // a submodule: git leaves an empty directory
      fs::create_directories(to, ec);
      if (ec) {
        result.error = "cannot create " + to.string() + ": " + ec.message();
        return result;
      }
      continue;
    }
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) {
        result.error = errno_text("cannot stat", from);
        return result;
      }
      ++result.modified;  // deleted in the source: git restores it
      continue;
    }
    const bool sha1 = entry.hash.size() == 40;
    if (S_ISLNK(st.st_mode) && type == 0120000) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      const ssize_t n = ::readlink(from.c_str(), target.data(), target.size());
      if (n < 0) {
        result.error = errno_text("cannot read the link", from);
        return result;
      }
      target.resize(static_cast<size_t>(n));
      if (!unchanged_by_stat(entry, st, index)) {
        ++result.hashed;
        if (!sha1 || blob_name(target) != entry.hash) ++result.modified;
      }
      if (::symlink(target.c_str(), to.c_str()) != 0) {
        result.error = errno_text("cannot create", to);
        return result;
      }
      links.insert(entry.path);
      continue;
    }
    if (!S_ISREG(st.st_mode) || type != 0100000) {
      ++result.modified;  // a file where git has a link, or the reverse: git restores it
      continue;
    }
    const unsigned mode = (entry.mode & 0111) != 0 ? 0777 : 0666;  // umask applies, as git's
    if (auto err = copy_regular_file(from, to, mode, reflink); !err.empty()) {
      result.error = err;
      return result;
    }
    const bool exec_differs = ((st.st_mode & 0100) != 0) != ((entry.mode & 0100) != 0);
    if (exec_differs) {
      ++result.modified;
    } else if (!unchanged_by_stat(entry, st, index)) {
      ++result.hashed;
      auto content = read_whole(to);  // the copy: what the child gets
      if (!sha1 || !content || blob_name(*content) != entry.hash) ++result.modified;
    }
  }
  return result;
}

}  // namespace tako::repo
