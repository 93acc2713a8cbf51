// File helpers. Atomic replacement relies on rename(2) being atomic within one file system,
// hence the temporary file beside the target; fsync before the rename so that a crash cannot
// leave the new name pointing at unwritten data.
#include "scprec/io/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scprec/core/error.hpp"

namespace scprec::io {
namespace {

[[noreturn]] void fail_write(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::kEnvironment, path, "", what + " (" + std::strerror(errno) + ")",
              "Check that the directory exists, is writable and has space");
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw_bad_input(path, "", "cannot open the file", "Check the path and permissions");
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string staging_name(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

void write_file_atomically(const std::string& given, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Through symbolic links to where they point, existing or not, so that a link stays a link.
  fs::path resolved(given);
  for (int hops = 0; fs::is_symlink(fs::symlink_status(resolved, ec)); ++hops) {
    if (hops == 40) throw_bad_input(given, "", "is a loop of symbolic links", "Fix the link");
    resolved = (resolved.parent_path() / fs::read_symlink(resolved, ec)).lexically_normal();
  }
  const std::string path = resolved.string();
  const fs::file_status existing = fs::status(path, ec);
  if (fs::exists(existing) && !fs::is_regular_file(existing)) {
    throw_bad_input(given, "",
                    "exists and is not a regular file (a folder, device, FIFO or socket); an "
                    "output is replaced whole, which would destroy it",
                    "Give the path of a file to write");
  }
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) {
    errno = ec.value();
    fail_write(path, "cannot create the folder " + target.parent_path().string());
  }
  const std::string temporary = staging_name(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail_write(path, "cannot create " + temporary);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(temporary.c_str());
      fail_write(path, "cannot write " + temporary);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temporary.c_str());
    fail_write(path, "cannot flush " + temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    fail_write(path, "cannot rename " + temporary + " to it");
  }
  sync_folder(target.has_parent_path() ? target.parent_path().string() : ".");
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself has happened
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace scprec::io
