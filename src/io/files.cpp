// File helpers. Reads go through read(2) in fixed chunks and stop one byte past the caller's
// limit, so that a device or a FIFO that never ends costs at most limit + 1 bytes. Atomic
// replacement relies on rename(2) being atomic within one file system, hence the temporary file
// beside the target; fsync before the rename so that a crash cannot leave the new name pointing at
// unwritten data.
#include "scprec/io/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "scprec/core/error.hpp"

namespace scprec::io {
namespace {

[[noreturn]] void fail_write(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::kEnvironment, path, "", what + " (" + std::strerror(errno) + ")",
              "Check that the directory exists, is writable and has space");
}

// "16 MiB", "64 KiB" or "100 bytes".
std::string size_text(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// Up to `limit` bytes of the file: all of it if it is shorter. Throws Error (kBadInput) if the
// file cannot be opened or read.
std::string read_up_to(const std::string& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_bad_input(path, "", std::string("cannot open the file (") + std::strerror(errno) + ")",
                    "Check the path and permissions");
  }
  std::string content;
  constexpr std::size_t kChunk = 1 << 16;
  while (content.size() < limit) {
    const std::size_t old_size = content.size();
    content.resize(old_size + std::min(kChunk, limit - old_size));
    const ssize_t n = ::read(fd, content.data() + old_size, content.size() - old_size);
    if (n < 0 && errno == EINTR) {
      content.resize(old_size);
      continue;
    }
    if (n < 0) {
      const std::string problem =
          std::string("cannot read the file (") + std::strerror(errno) + ")";
      ::close(fd);
      throw_bad_input(path, "", problem, "Check that the path names a readable file");
    }
    content.resize(old_size + static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  ::close(fd);
  return content;
}

}  // namespace

std::string read_file(const std::string& path) {
  return read_up_to(path, std::numeric_limits<std::size_t>::max());
}

std::string read_file_capped(const std::string& path, std::size_t max_bytes,
                             const std::string& what) {
  const std::size_t limit =
      max_bytes < std::numeric_limits<std::size_t>::max() ? max_bytes + 1 : max_bytes;
  std::string content = read_up_to(path, limit);
  if (content.size() > max_bytes) {
    throw_bad_input(path, "",
                    "is larger than " + size_text(max_bytes) + ", the most a " + what +
                        " may hold (reading stopped there)",
                    "Check that the path names a " + what +
                        " (real ones are far smaller), not a device, archive or other file");
  }
  return content;
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
  ec.clear();  // status() of a file not yet written set it
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
