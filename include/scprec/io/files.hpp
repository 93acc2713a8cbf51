// Whole-file reads and atomic writes: a killed run never leaves a half-written output.
#pragma once

#include <string>

namespace scprec::io {

/// The file's bytes. Throws Error (kBadInput) naming the path if it cannot be read.
std::string read_file(const std::string& path);

/// A fresh name beside `path` for staging it (path.tmp.<pid>.<n>), unique across the threads
/// and processes of this machine, so that concurrent writers never share a staging file.
std::string staging_name(const std::string& path);

/// Writes `content` to `path` atomically: to a temporary file in the same directory, flushed
/// to disk, then renamed over `path`. Creates missing parent directories. Throws Error
/// (kEnvironment) naming the path if any step fails; `path` is then unchanged.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace scprec::io
