// Whole-file reads and atomic writes: a killed run never leaves a half-written output.
#pragma once

#include <cstddef>
#include <string>

namespace scprec::io {

/// The file's bytes. Throws Error (kBadInput) naming the path if it cannot be read.
std::string read_file(const std::string& path);

/// The bytes of a file the user names, which must hold at most `max_bytes`. Reads at most
/// max_bytes + 1 bytes whatever the file is (a regular file, a FIFO, /dev/zero), so that no
/// input can make it allocate more. Throws Error (kBadInput) naming the path if it cannot be
/// read or is larger, the problem saying which limit and `what` the file should be (e.g.
/// "precision map").
std::string read_file_capped(const std::string& path, std::size_t max_bytes,
                             const std::string& what);

/// A fresh name beside `path` for staging it (path.tmp.<pid>.<n>), unique across the threads
/// and processes of this machine, so that concurrent writers never share a staging file.
std::string staging_name(const std::string& path);

/// Writes `content` to `path` atomically: to a temporary file in the same directory, flushed
/// to disk, then renamed over `path`, and the rename flushed too. A symbolic link is written
/// through (its target replaced, the link kept). Creates missing parent directories. Throws
/// Error naming the path: kBadInput if `path` exists and is not a regular file (a folder, a
/// device, a FIFO: replacing it would destroy it), kEnvironment if any step fails; `path` is
/// then unchanged.
void write_file_atomically(const std::string& path, const std::string& content);

/// Flushes a folder's entries (a rename in it) to disk; best effort, never throws.
void sync_folder(const std::string& folder);

}  // namespace scprec::io
