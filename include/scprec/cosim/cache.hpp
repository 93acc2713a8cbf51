// The simulator build cache on disk: checksummed entries, per-entry locks, the sweeping of
// abandoned temporary folders, and what `scprec cache info` and `scprec cache clean` show and do.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scprec/core/logger.hpp"

namespace scprec::cosim {

/// A flock(2) lock on a cache entry's lock file (`<entry>.lock`). Builders and cleaners hold it
/// exclusively, users of a finished entry shared. The kernel releases it when the holder's
/// process dies, so a killed build never leaves a lock behind. Move-only; released on
/// destruction. A default-constructed lock holds nothing.
class CacheLock {
 public:
  enum class Mode { kShared, kExclusive };
  CacheLock() = default;
  explicit CacheLock(int fd) : fd_(fd) {}
  ~CacheLock();
  CacheLock(CacheLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  CacheLock& operator=(CacheLock&& other) noexcept;
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;
  /// True if a lock is held (false for a read-only cache, where nothing can be built anyway).
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// Locks `entry_dir`'s lock file in `mode`, waiting for it (and logging that it waits) while
/// another thread or process holds it in a conflicting mode. Returns a lock that holds nothing if
/// the cache directory is read-only. Throws Error (kEnvironment) naming the lock file otherwise.
CacheLock lock_entry(const std::string& entry_dir, CacheLock::Mode mode, Logger& logger);

/// Like lock_entry without waiting: a lock that holds nothing if another holds it in a
/// conflicting mode, or if the lock file cannot be opened.
CacheLock try_lock_entry(const std::string& entry_dir, CacheLock::Mode mode);

/// Creates the cache directory if it is missing. Throws Error (kEnvironment) naming `cache` if it
/// is not a directory or cannot be created.
void ensure_cache_dir(const std::string& cache);

/// The name of an entry's checksum manifest, in `sha256sum` format ("<hex>  <file>" a line).
inline constexpr const char* kManifestName = "manifest.sha256";

/// Writes the manifest of `files` (relative to `entry_dir`) into `entry_dir`. Throws Error
/// (kEnvironment) if a file cannot be read or the manifest cannot be written.
void write_manifest(const std::string& entry_dir, const std::vector<std::string>& files);

/// What is wrong with the finished entry `entry_dir`: "" if its manifest exists, lists every
/// file of `required`, and every listed file has its recorded SHA-256; otherwise a phrase such as
/// "missing", "incomplete (no manifest.sha256)" or "corrupt (sim does not match its checksum)".
std::string entry_problem(const std::string& entry_dir,
                          const std::vector<std::string>& required = {});

/// How to make a cache entry: `build` fills the given (fresh, empty) staging folder and returns
/// the files the entry relies on, relative to it, which the manifest records.
struct EntryRecipe {
  std::string what;  ///< for messages, e.g. "the simulator of fc1"
  std::vector<std::string> required;
  std::function<std::vector<std::string>(const std::string& staging)> build;
};

/// A verified entry, held with a shared lock for as long as any copy lives (so that `scprec
/// cache clean` leaves it alone), and whether this call built it.
struct HeldEntry {
  std::shared_ptr<CacheLock> lock;
  bool built = false;
};

/// Returns the cache entry `entry_dir`, verified against its manifest. A missing entry is built
/// under an exclusive lock in a staging folder renamed into place; a corrupt or incomplete one is
/// removed and rebuilt, with a warning naming its path. While another process or thread builds
/// the same entry, waits for it (logging that it waits) and uses its result. Throws what `build`
/// throws, or Error (kEnvironment) naming the path when the cache cannot be written.
HeldEntry obtain_entry(const std::string& entry_dir, const EntryRecipe& recipe, Logger& logger);

/// Removes the temporary folders and files (`<entry>.tmp.<pid>.<n>`) directly in `cache` that no
/// build is writing: nobody holds their entry's lock, and their process is not running on this
/// machine or they are older than `max_age_hours`. Failures to remove are logged, not thrown.
/// Returns the paths removed.
std::vector<std::string> sweep_temporaries(const std::string& cache, Logger& logger,
                                           double max_age_hours = 24.0);

enum class EntryKind { kSimulator, kRuntime, kTemporary };
enum class EntryState {
  kVerified,    ///< every checksum matches
  kCorrupt,     ///< a checksum differs, a file or the manifest is missing
  kInUse,       ///< verified or not, a run holds it (shared lock): not checked, not removed
  kBusy,        ///< being built or removed (exclusive lock)
  kStale,       ///< a temporary nothing writes any more
  kInProgress,  ///< a temporary a live build writes
};

/// One entry of the cache directory: a simulator (`sim-<key>`), the Verilated runtime's objects
/// (`runtime-<key>`) or a temporary (`*.tmp.<pid>.<n>`).
struct CacheEntry {
  std::string path;
  EntryKind kind = EntryKind::kSimulator;
  EntryState state = EntryState::kVerified;
  std::string problem;       ///< for kCorrupt: what is wrong
  std::uintmax_t bytes = 0;  ///< on disk, all files under it
};

/// The entries of the cache directory `cache`, sorted by path (lock files and unknown names are
/// left out). Returns none if the directory does not exist. Throws Error (kEnvironment) if
/// `cache` is not a directory or cannot be read.
std::vector<CacheEntry> inspect_cache(const std::string& cache);

enum class CleanScope {
  kAll,    ///< every entry nobody holds
  kStale,  ///< only corrupt entries and stale temporaries
};

/// Removes the entries of `scope` from `cache`, each under its exclusive lock (entries a run
/// holds are skipped and logged). Lock files stay: they are empty, and removing one while a
/// process waits on it would let two builders lock different files. Returns the removed entries.
/// Throws as inspect_cache.
std::vector<CacheEntry> clean_cache(const std::string& cache, CleanScope scope, Logger& logger);

/// "simulator", "runtime" or "temporary".
const char* to_string(EntryKind kind);
/// "verified", "corrupt", "in use", "being built", "stale" or "in progress".
const char* to_string(EntryState state);

}  // namespace scprec::cosim
