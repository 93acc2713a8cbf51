// Output folders published as one set. The new set is written into a staging folder inside a
// state folder beside DIR (same parent, so same file system), then exchanged with DIR by
// renameat2(RENAME_EXCHANGE): one system call, so a reader, or a kill, sees the old set or the
// new one. Where the file system cannot exchange (EINVAL, ENOSYS), DIR is renamed aside and the
// staging folder renamed in: a kill between the two renames leaves no DIR at all, never a mix.
// The lock is flock(2) on a file in the state folder: the kernel releases it when its holder
// dies, so a killed run never leaves a stale lock.
#include "scprec/io/output_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>
#include <set>

#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

namespace scprec::io {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPublishedList = "published";  // entries of the last published set

[[noreturn]] void fail(const std::string& path, const std::string& problem,
                       const std::string& remedy =
                           "Check that the folder is writable and has "
                           "space") {
  throw Error(ErrorKind::kEnvironment, path, "", problem, remedy);
}

std::string error_text(const std::error_code& ec) {
  return ec.message();
}

void make_folder(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) fail(path, "cannot create the folder (" + error_text(ec) + ")");
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) fail(path, "cannot remove the folder (" + error_text(ec) + ")");
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> lines;
  std::error_code ec;
  if (!fs::exists(path, ec)) return lines;
  const std::string text = read_file(path);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> entries_of(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) fail(folder, "cannot list the folder (" + error_text(ec) + ")");
  std::sort(names.begin(), names.end());
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += name + "\n";
  return text;
}

// Takes an exclusive flock on `path` without waiting; writes our pid into it. Returns the fd.
int take_lock(const std::string& path, const std::string& dir) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, fmt::format("cannot open the lock file ({})", std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK) {
      fail(path, fmt::format("cannot lock the output folder ({})", std::strerror(error)));
    }
    std::string holder = read_file(path);
    while (!holder.empty() && std::isspace(static_cast<unsigned char>(holder.back()))) {
      holder.pop_back();
    }
    throw Error(ErrorKind::kEnvironment, dir, "",
                fmt::format("another scprec run{} is writing this output folder",
                            holder.empty() ? "" : " (pid " + holder + ")"),
                "Wait for it to finish, or give this run another output folder");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for the message of a run that finds the folder locked.
  }
  return fd;
}

// Swaps `staging` and `target` (both existing folders) in one step where the file system can.
void exchange(const std::string& staging, const std::string& target, const std::string& aside) {
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    return;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    fail(target, fmt::format("cannot switch in the new outputs from {} ({})", staging,
                             std::strerror(errno)));
  }
  remove_tree(aside);
  if (::rename(target.c_str(), aside.c_str()) != 0 ||
      ::rename(staging.c_str(), target.c_str()) != 0) {
    fail(target, fmt::format("cannot switch in the new outputs from {} ({})", staging,
                             std::strerror(errno)));
  }
  // `staging` is where the old set is removed from; keep that one place.
  if (::rename(aside.c_str(), staging.c_str()) != 0) remove_tree(aside);
}

// Names scprec's atomic writes stage under: NAME.tmp.<pid>.<n>.
bool is_temporary(const std::string& name) {
  static const std::regex kTemporary(R"(.+\.tmp\.[0-9]+\.[0-9]+)");
  return std::regex_match(name, kTemporary);
}

void remove_temporaries(const std::string& folder) {
  for (const std::string& name : entries_of(folder)) {
    if (is_temporary(name)) remove_tree(folder + "/" + name);
  }
}

// The state folder's parent must be writable: the outputs are staged there.
void make_state_folder(const std::string& state, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(state, ec);
  if (!ec) return;
  throw Error(ErrorKind::kEnvironment, dir, "",
              fmt::format("cannot create {} beside it, where its outputs are staged before they "
                          "are switched in ({})",
                          state, error_text(ec)),
              "Give an --out whose parent folder scprec can write");
}

}  // namespace

std::string resolve_output_folder(const std::string& dir) {
  if (dir.empty()) throw_bad_input("", "", "no output folder given", "Give one with --out");
  const auto refuse = [&](const std::string& problem, const std::string& remedy) {
    throw_bad_input(dir, "", problem, remedy);
  };
  fs::path folder = fs::absolute(fs::path(dir)).lexically_normal();
  if (!folder.has_filename()) folder = folder.parent_path();  // a trailing separator
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(folder, ec);
  if (fs::is_symlink(link)) {  // publish where the link points, existing or not
    const fs::path points_to = fs::read_symlink(folder, ec);
    folder = (folder.parent_path() / points_to).lexically_normal();
  }
  folder = fs::weakly_canonical(folder, ec);
  if (ec) {
    refuse(fmt::format("cannot be resolved ({})", error_text(ec)),
           "Check the path for a loop of symbolic links");
  }
  const fs::path cwd = fs::current_path(ec);
  if (folder == folder.root_path() || folder.filename() == ".." ||
      (!ec &&
       std::mismatch(folder.begin(), folder.end(), cwd.begin(), cwd.end()).first == folder.end())) {
    refuse(
        "is the root, the current folder or a folder holding it, which scprec cannot replace "
        "as a whole",
        "Name a new or scprec-owned folder, e.g. --out results");
  }
  const fs::file_status status = fs::status(folder, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    refuse("exists and is not a folder",
           "Give a folder to write the outputs into (it is created if missing)");
  }
  struct stat own {
  }, parent{};
  if (fs::is_directory(status) && ::stat(folder.c_str(), &own) == 0 &&
      ::stat(folder.parent_path().c_str(), &parent) == 0 && own.st_dev != parent.st_dev) {
    refuse("is a mount point, which scprec cannot replace as a whole when it publishes",
           "Give a folder inside it, e.g. --out " + (folder / "scprec").string());
  }
  return folder.string();
}

std::string state_folder_of(const std::string& folder) {
  const fs::path path(folder);
  return (path.parent_path() / ("." + path.filename().string() + ".scprec")).string();
}

bool write_unless_locked(const std::string& dir, const std::string& name,
                         const std::string& content) {
  const std::string target = resolve_output_folder(dir);
  const std::string state = state_folder_of(target);
  std::error_code ec;
  if (fs::is_directory(state, ec)) {
    const int fd = ::open((state + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (free) {
      make_folder(target);
      write_file_atomically(target + "/" + name, content);
    }
    ::close(fd);
    return free;
  }
  make_folder(target);
  write_file_atomically(target + "/" + name, content);
  return true;
}

OutputDir::OutputDir(OutputSetSpec spec) : spec_(std::move(spec)) {
  target_ = resolve_output_folder(spec_.dir);
  state_ = state_folder_of(target_);
  make_state_folder(state_, spec_.dir);
  lock_.fd = take_lock(state_ + "/lock", spec_.dir);
  std::error_code ec;
  had_previous_ = fs::is_directory(target_, ec);
  // What killed runs left: we hold the lock, so none of it is anybody's work in progress.
  remove_temporaries(state_);
  if (had_previous_) {
    remove_temporaries(target_);
    refuse_foreign_entries();
  }
  remove_tree(staging());
  make_folder(staging());
}

void OutputDir::refuse_foreign_entries() const {
  std::set<std::string> known(spec_.written.begin(), spec_.written.end());
  known.insert(spec_.kept.begin(), spec_.kept.end());
  known.insert(spec_.retired.begin(), spec_.retired.end());
  for (const std::string& name : lines_of(state_ + "/" + kPublishedList)) known.insert(name);
  known.insert(kSupersededNote);
  std::vector<std::string> foreign;
  for (const std::string& name : entries_of(target_)) {
    if (known.count(name) == 0) foreign.push_back(name);
  }
  if (foreign.empty()) return;
  throw_bad_input(spec_.dir, "",
                  fmt::format("holds {} that scprec did not write ('{}'{}); publishing replaces "
                              "the folder as a whole",
                              foreign.size() == 1 ? "an entry" : "entries", foreign.front(),
                              foreign.size() > 1 ? ", ..." : ""),
                  "Give a new or empty folder, or one an earlier scprec run wrote");
}

OutputDir::Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

OutputDir::~OutputDir() {
  if (!published_) {
    std::error_code ec;
    fs::remove_all(staging(), ec);
  }
}

void OutputDir::write_in_place(const std::string& name, const std::string& content) const {
  make_folder(target_);
  write_file_atomically(target_ + "/" + name, content);
}

void OutputDir::publish() {
  std::error_code ec;
  for (const std::string& name : spec_.kept) {
    const fs::path from = fs::path(target_) / name;
    const fs::path to = fs::path(staging()) / name;
    if (fs::exists(to, ec) || !fs::is_regular_file(from, ec)) continue;
    fs::create_hard_link(from, to, ec);
    if (ec) fs::copy_file(from, to, ec);
    if (ec)
      fail(from.string(), "cannot carry it over into the new outputs (" + error_text(ec) + ")");
  }
  const std::vector<std::string> names = entries_of(staging());
  // Until the switch, either set may be the one in DIR: list both.
  std::vector<std::string> both = names;
  for (const std::string& name : lines_of(state_ + "/" + kPublishedList)) both.push_back(name);
  write_file_atomically(state_ + "/" + kPublishedList, joined(both));
  if (fs::is_directory(target_, ec)) {
    exchange(staging(), target_, state_ + "/aside");
  } else if (::rename(staging().c_str(), target_.c_str()) != 0) {
    fail(target_, fmt::format("cannot move the new outputs in from {} ({})", staging(),
                              std::strerror(errno)));
  }
  published_ = true;
  sync_folder(fs::path(target_).parent_path().string());
  write_file_atomically(state_ + "/" + kPublishedList, joined(names));
  remove_tree(staging());  // the previous set
}

namespace {

fs::path resolved(const std::string& path) {
  std::error_code ec;
  const fs::path full = fs::weakly_canonical(fs::absolute(path), ec);
  return ec ? fs::absolute(path).lexically_normal() : full;
}

// Whether `inner` is `outer` or lies inside it; `same` tells which.
bool within(const fs::path& outer, const fs::path& inner, bool& same) {
  std::error_code ec;
  same = inner == outer || fs::equivalent(inner, outer, ec);
  const auto [diverge, rest] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return same || (diverge == outer.end() && rest != inner.end());
}

[[noreturn]] void refuse(const NamedPath& output, const NamedPath& input, bool same) {
  throw_bad_input(output.option, "",
                  fmt::format("{} {} the input given with {} ({}): the run would overwrite it",
                              output.path, same ? "is" : "holds", input.option, input.path),
                  fmt::format("Give {} another path", output.option));
}

}  // namespace

void refuse_overwriting_inputs(const std::vector<NamedPath>& inputs,
                               const std::vector<NamedPath>& outputs) {
  for (const NamedPath& output : outputs) {
    if (output.path.empty()) continue;
    const fs::path out = resolved(output.path);
    for (const NamedPath& input : inputs) {
      bool same = false;
      if (!input.path.empty() && within(out, resolved(input.path), same)) {
        refuse(output, input, same);
      }
    }
  }
}

void refuse_overwriting_inputs(const std::vector<NamedPath>& inputs, const OutputSetSpec& set,
                               const std::string& option) {
  const fs::path dir = resolved(set.dir);
  for (const NamedPath& input : inputs) {
    if (input.path.empty()) continue;
    const fs::path in = resolved(input.path);
    bool same = false;
    if (!within(dir, in, same)) continue;
    const bool kept =
        in.parent_path() == dir &&
        std::find(set.kept.begin(), set.kept.end(), in.filename().string()) != set.kept.end();
    if (!kept) refuse({option, set.dir}, input, same);
  }
}

void refuse_non_file_output(const std::string& path, const std::string& option) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (path.empty() || !fs::exists(status) || fs::is_regular_file(status)) return;
  if (fs::is_directory(status)) {
    throw_bad_input(option, "", path + " is a folder, where a file is to be written",
                    "Give the file's path, e.g. " + (fs::path(path) / "out.json").string());
  }
  throw_bad_input(option, "",
                  path +
                      " is not a regular file (a device, FIFO or socket), and an output "
                      "replaces its file whole",
                  "Give the path of a file to write");
}

}  // namespace scprec::io
