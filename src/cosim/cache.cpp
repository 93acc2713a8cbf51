// The build cache on disk. Approach:
//  - an entry is a folder (sim-<key>, runtime-<key>) that appears by rename(2) from a staging
//    folder (<entry>.tmp.<pid>.<n>) once built, and holds a manifest.sha256 of the files it
//    relies on; before use, every listed file is hashed and compared, and an entry that fails is
//    removed and rebuilt;
//  - each entry has a lock file <entry>.lock, locked with flock(2): exclusive while building,
//    repairing or removing, shared while a run uses the entry. flock locks belong to an open file
//    description, so two threads of one process exclude each other just as two processes do, and
//    the kernel drops them when the holder dies: a killed build leaves no stale lock;
//  - a staging folder whose entry lock is free, and whose process is gone (or which is older than
//    a day), is abandoned and swept when a build starts.
#include "scprec/cosim/cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"

namespace scprec::cosim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWritableRemedy =
    "Make the cache directory writable, or pass --cache (or set SCPREC_CACHE to) a writable "
    "directory";
constexpr int kMaxRounds = 10;

std::string lock_path(const std::string& entry_dir) {
  return entry_dir + ".lock";
}

[[noreturn]] void fail(const std::string& path, const std::string& problem,
                       const std::string& remedy = kWritableRemedy) {
  throw Error(ErrorKind::kEnvironment, path, "", problem, remedy);
}

// Opens the lock file, creating it; -1 if the cache is read-only (or, when `must` is false, if
// the file cannot be opened at all). Throws for other failures when `must` is true.
int open_lock(const std::string& entry_dir, bool must) {
  const std::string path = lock_path(entry_dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // flock works read-only too
  if (fd >= 0 || !must) return fd;
  // Files cannot be made here (sysfs answers ENOENT): building will say so; reading may work.
  if (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOENT) return -1;
  fail(path, fmt::format("cannot open the lock file ({})", std::strerror(errno)));
}

int flock_operation(CacheLock::Mode mode) {
  return mode == CacheLock::Mode::kShared ? LOCK_SH : LOCK_EX;
}

std::string sha256_of_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "";
  io::Sha256 hash;
  char buffer[1 << 16];
  while (file) {
    file.read(buffer, sizeof buffer);
    hash.add(buffer, static_cast<std::size_t>(file.gcount()));
  }
  return file.eof() ? hash.hex() : "";
}

// The manifest's entries, file -> hex; empty if there is none.
std::map<std::string, std::string> read_manifest(const std::string& entry_dir) {
  std::map<std::string, std::string> files;
  std::ifstream manifest(entry_dir + "/" + kManifestName);
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.size() > 66 && line.compare(64, 2, "  ") == 0) {
      files[line.substr(66)] = line.substr(0, 64);
    }
  }
  return files;
}

// Removes a folder: renamed aside first, so that the entry's name is free at once even if the
// removal stops halfway.
void remove_entry(const std::string& entry_dir) {
  const std::string aside = io::staging_name(entry_dir);
  std::error_code ec;
  fs::rename(entry_dir, aside, ec);
  if (ec) fail(entry_dir, fmt::format("cannot remove the corrupt cache entry ({})", ec.message()));
  fs::remove_all(aside, ec);
}

// Builds the entry under the caller's exclusive lock; returns true if it built.
bool build_entry(const std::string& entry_dir, const EntryRecipe& recipe, Logger& logger) {
  std::error_code ec;
  const bool exists = fs::exists(entry_dir, ec);
  const std::string problem = exists ? entry_problem(entry_dir, recipe.required) : "missing";
  if (problem.empty()) return false;  // another build finished it while we waited
  if (exists) {
    logger.warning(
        fmt::format("cache entry {} ({}) is {}; rebuilding it", entry_dir, recipe.what, problem));
    remove_entry(entry_dir);
  }
  const std::string staging = io::staging_name(entry_dir);
  fs::create_directories(staging, ec);
  if (ec)
    fail(fs::path(entry_dir).parent_path().string(),
         fmt::format("cannot create a build folder in the cache ({})", ec.message()));
  try {
    write_manifest(staging, recipe.build(staging));
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::rename(staging, entry_dir, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    fail(entry_dir, fmt::format("cannot move the finished build into place ({})", ec.message()));
  }
  return true;
}

// "sim-abc" for "/cache/sim-abc.tmp.12.3", with 12 as the pid; false if the name is no temporary.
bool parse_temporary(const std::string& name, std::string& entry, pid_t& pid) {
  const std::size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos) return false;
  const std::string rest = name.substr(tmp + 5);
  const std::size_t dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 9) return false;  // a pid has few digits
  if (!std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(dot), ::isdigit)) {
    return false;
  }
  entry = name.substr(0, tmp);
  pid = static_cast<pid_t>(std::stol(rest.substr(0, dot)));
  return true;
}

bool process_running(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

double age_hours(const fs::path& path) {
  std::error_code ec;
  const auto written = fs::last_write_time(path, ec);
  if (ec) return 0.0;
  return std::chrono::duration<double, std::ratio<3600>>(fs::file_time_type::clock::now() - written)
      .count();
}

// Whether a temporary is abandoned; `held` receives the exclusive lock of its entry if so.
bool temporary_is_stale(const fs::path& path, double max_age_hours, CacheLock& held) {
  std::string entry;
  pid_t pid = 0;
  if (!parse_temporary(path.filename().string(), entry, pid)) return false;
  CacheLock lock =
      try_lock_entry((path.parent_path() / entry).string(), CacheLock::Mode::kExclusive);
  if (!lock.held()) return false;  // its entry is being built or used right now
  if (process_running(pid) && age_hours(path) < max_age_hours) return false;
  held = std::move(lock);
  return true;
}

std::uintmax_t size_on_disk(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    const std::uintmax_t size = fs::file_size(path, ec);
    return ec ? 0 : size;
  }
  std::uintmax_t bytes = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const std::uintmax_t size = it->file_size(size_ec);
      if (!size_ec) bytes += size;
    }
  }
  return bytes;
}

// The names directly in `cache`; Error if it cannot be listed.
std::vector<fs::path> list_cache(const std::string& cache) {
  std::vector<fs::path> paths;
  std::error_code ec;
  if (!fs::exists(cache, ec)) return paths;
  if (!fs::is_directory(cache, ec)) {
    fail(cache, "the cache is not a directory",
         "Pass --cache (or set SCPREC_CACHE to) a directory, or move the file away");
  }
  for (auto it = fs::directory_iterator(cache, ec); !ec && it != fs::end(it); it.increment(ec)) {
    paths.push_back(it->path());
  }
  if (ec)
    fail(cache, fmt::format("cannot list the cache ({})", ec.message()),
         "Check the directory's permissions");
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

CacheLock::~CacheLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the description unlocks it
}

CacheLock& CacheLock::operator=(CacheLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

CacheLock lock_entry(const std::string& entry_dir, CacheLock::Mode mode, Logger& logger) {
  const int fd = open_lock(entry_dir, true);
  if (fd < 0) return CacheLock();
  CacheLock lock(fd);
  if (::flock(fd, flock_operation(mode) | LOCK_NB) == 0) return lock;
  if (errno != EWOULDBLOCK)
    fail(lock_path(entry_dir), std::string("cannot lock ") + std::strerror(errno));
  logger.info(fmt::format("cache: waiting for another build of {} (it holds {})", entry_dir,
                          lock_path(entry_dir)));
  while (::flock(fd, flock_operation(mode)) != 0) {
    if (errno != EINTR) {
      fail(lock_path(entry_dir), fmt::format("cannot lock it ({})", std::strerror(errno)));
    }
  }
  return lock;
}

CacheLock try_lock_entry(const std::string& entry_dir, CacheLock::Mode mode) {
  const int fd = open_lock(entry_dir, false);
  if (fd < 0) return CacheLock();
  CacheLock lock(fd);
  return ::flock(fd, flock_operation(mode) | LOCK_NB) == 0 ? std::move(lock) : CacheLock();
}

void ensure_cache_dir(const std::string& cache) {
  std::error_code ec;
  const fs::file_status status = fs::status(cache, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    fail(cache, "the cache is not a directory",
         "Pass --cache (or set SCPREC_CACHE to) a directory, or move the file away");
  }
  if (fs::exists(status)) return;
  fs::create_directories(cache, ec);
  if (ec) fail(cache, fmt::format("cannot create the cache directory ({})", ec.message()));
}

void write_manifest(const std::string& entry_dir, const std::vector<std::string>& files) {
  std::string manifest;
  for (const std::string& file : files) {
    const std::string hex = sha256_of_file(entry_dir + "/" + file);
    if (hex.empty()) fail(entry_dir + "/" + file, "cannot read a file the build made");
    manifest += hex + "  " + file + "\n";
  }
  io::write_file_atomically(entry_dir + "/" + kManifestName, manifest);
}

std::string entry_problem(const std::string& entry_dir, const std::vector<std::string>& required) {
  std::error_code ec;
  if (!fs::is_directory(entry_dir, ec)) return "missing";
  const std::map<std::string, std::string> files = read_manifest(entry_dir);
  if (files.empty()) return fmt::format("incomplete (no {})", kManifestName);
  for (const std::string& file : required) {
    if (files.count(file) == 0) return fmt::format("incomplete ({} lacks {})", kManifestName, file);
  }
  for (const auto& [file, hex] : files) {
    const std::string actual = sha256_of_file(entry_dir + "/" + file);
    if (actual.empty()) return fmt::format("corrupt ({} is missing or unreadable)", file);
    if (actual != hex) return fmt::format("corrupt ({} does not match its checksum)", file);
  }
  return "";
}

HeldEntry obtain_entry(const std::string& entry_dir, const EntryRecipe& recipe, Logger& logger) {
  HeldEntry entry;
  for (int round = 0; round < kMaxRounds; ++round) {
    // Waits while another thread or process builds, repairs or removes the entry.
    CacheLock shared = lock_entry(entry_dir, CacheLock::Mode::kShared, logger);
    if (entry_problem(entry_dir, recipe.required).empty()) {
      entry.lock = std::make_shared<CacheLock>(std::move(shared));
      return entry;
    }
    if (!shared.held()) {  // a read-only cache: build_entry says why it cannot build
      entry.built = build_entry(entry_dir, recipe, logger) || entry.built;
      continue;
    }
    shared = CacheLock();
    CacheLock exclusive = try_lock_entry(entry_dir, CacheLock::Mode::kExclusive);
    if (!exclusive.held()) {
      // A builder holds it (the next round waits for it), or runs hold a corrupt entry: wait
      // until they let go, then repair it.
      if (!try_lock_entry(entry_dir, CacheLock::Mode::kShared).held()) continue;
      exclusive = lock_entry(entry_dir, CacheLock::Mode::kExclusive, logger);
    }
    entry.built = build_entry(entry_dir, recipe, logger) || entry.built;
  }
  fail(entry_dir, fmt::format("{} kept failing verification right after being built", recipe.what),
       "Check the disk and the file system the cache is on, or pass --cache another directory");
}

std::vector<std::string> sweep_temporaries(const std::string& cache, Logger& logger,
                                           double max_age_hours) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (auto it = fs::directory_iterator(cache, ec); !ec && it != fs::end(it); it.increment(ec)) {
    paths.push_back(it->path());
  }
  std::vector<std::string> removed;
  for (const fs::path& path : paths) {
    CacheLock held;
    if (!temporary_is_stale(path, max_age_hours, held)) continue;
    fs::remove_all(path, ec);
    if (ec) {
      logger.warning(fmt::format("cache: cannot remove the abandoned temporary {} ({})",
                                 path.string(), ec.message()));
    } else {
      logger.info(fmt::format("cache: removed the abandoned temporary {}", path.string()));
      removed.push_back(path.string());
    }
  }
  return removed;
}

std::vector<CacheEntry> inspect_cache(const std::string& cache) {
  std::vector<CacheEntry> entries;
  for (const fs::path& path : list_cache(cache)) {
    const std::string name = path.filename().string();
    CacheEntry entry;
    entry.path = path.string();
    if (name.find(".tmp.") != std::string::npos) {
      CacheLock held;
      entry.kind = EntryKind::kTemporary;
      entry.state =
          temporary_is_stale(path, 24.0, held) ? EntryState::kStale : EntryState::kInProgress;
    } else if (name.rfind("sim-", 0) == 0 || name.rfind("runtime-", 0) == 0) {
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0) continue;
      entry.kind = name[0] == 's' ? EntryKind::kSimulator : EntryKind::kRuntime;
      if (try_lock_entry(entry.path, CacheLock::Mode::kExclusive).held()) {
        entry.problem = entry_problem(entry.path);
        entry.state = entry.problem.empty() ? EntryState::kVerified : EntryState::kCorrupt;
      } else {
        entry.state = try_lock_entry(entry.path, CacheLock::Mode::kShared).held()
                          ? EntryState::kInUse
                          : EntryState::kBusy;
      }
    } else {
      continue;
    }
    entry.bytes = size_on_disk(path);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<CacheEntry> clean_cache(const std::string& cache, CleanScope scope, Logger& logger) {
  std::vector<CacheEntry> removed;
  for (const CacheEntry& entry : inspect_cache(cache)) {
    const bool wanted = scope == CleanScope::kAll ? entry.state != EntryState::kInProgress
                                                  : entry.state == EntryState::kCorrupt ||
                                                        entry.state == EntryState::kStale;
    if (!wanted) continue;
    const std::string owner = entry.kind == EntryKind::kTemporary
                                  ? entry.path.substr(0, entry.path.rfind(".tmp."))
                                  : entry.path;
    const CacheLock lock = try_lock_entry(owner, CacheLock::Mode::kExclusive);
    if (!lock.held()) {
      logger.info(fmt::format("cache: kept {}: a run is using it", entry.path));
      continue;
    }
    std::error_code ec;
    fs::remove_all(entry.path, ec);
    if (ec) {
      logger.warning(fmt::format("cache: cannot remove {} ({})", entry.path, ec.message()));
      continue;
    }
    removed.push_back(entry);
  }
  return removed;
}

const char* to_string(EntryKind kind) {
  switch (kind) {
    case EntryKind::kSimulator:
      return "simulator";
    case EntryKind::kRuntime:
      return "runtime";
    case EntryKind::kTemporary:
      return "temporary";
  }
  return "?";
}

const char* to_string(EntryState state) {
  switch (state) {
    case EntryState::kVerified:
      return "verified";
    case EntryState::kCorrupt:
      return "corrupt";
    case EntryState::kInUse:
      return "in use";
    case EntryState::kBusy:
      return "being built";
    case EntryState::kStale:
      return "stale";
    case EntryState::kInProgress:
      return "in progress";
  }
  return "?";
}

}  // namespace scprec::cosim
