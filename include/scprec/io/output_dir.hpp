// A run's output folder, published as one set: staged beside it, then switched in at once, under
// a lock, with the previous verdict marked superseded while the run is under way.
#pragma once

#include <string>
#include <vector>

namespace scprec::io {

/// What a command writes into its output folder.
struct OutputSetSpec {
  std::string dir;                   ///< the folder the user names (--out, -o)
  std::vector<std::string> written;  ///< entries every run replaces (files or folders)
  std::vector<std::string> kept;     ///< entries of the previous set carried over unchanged
  std::vector<std::string> retired;  ///< entries older versions wrote; dropped when publishing
};

/// The output folder of one run. Beside DIR it keeps a state folder `.NAME.scprec/` holding the
/// lock, the staging folder where the new set is written, a work folder that persists across
/// runs (so that a rerun reuses finished work), and the list of entries last published.
///
/// Publishing swaps the staging folder with DIR in one rename (renameat2 RENAME_EXCHANGE; two
/// renames where the file system cannot exchange), so that a reader sees the previous set or
/// the new one, never a mix; a run that stops before publishing leaves DIR as it was, apart
/// from what it wrote with write_in_place.
class OutputDir {
 public:
  /// Takes the lock and clears a stale staging folder. Throws Error: kBadInput when DIR is not
  /// a folder, has no parent, or holds entries scprec did not write (so that nothing of the
  /// user's is ever swapped away); kEnvironment when another run holds the lock (naming its
  /// pid) or a folder cannot be made.
  explicit OutputDir(OutputSetSpec spec);
  /// Releases the lock; removes the staging folder when the set was not published.
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  /// DIR, as given.
  const std::string& dir() const { return spec_.dir; }
  /// Whether DIR held a previous set when the run started.
  bool had_previous() const { return had_previous_; }
  /// The folder the new set is written into.
  std::string staging() const { return state_ + "/staging"; }
  /// A folder for intermediate work, kept across runs.
  std::string work() const { return state_ + "/work"; }
  /// Writes DIR/name atomically at once, outside the set: a mark that the previous verdict is
  /// superseded, or the error of a run that stops. Creates DIR if needed. Throws Error
  /// (kEnvironment) when it cannot be written.
  void write_in_place(const std::string& name, const std::string& content) const;
  /// Carries the kept entries over, then switches the staging folder in as DIR and removes the
  /// previous set. Throws Error (kEnvironment) when a step fails; DIR is then the previous set
  /// or the new one, whole.
  void publish();

 private:
  // An open file descriptor, closed (releasing its flock) when the run ends or fails.
  struct Fd {
    int fd = -1;
    Fd() = default;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
  };

  OutputSetSpec spec_;
  std::string target_;  // DIR, absolute and normalised
  std::string state_;   // the state folder beside it
  Fd lock_;
  bool had_previous_ = false;
  bool published_ = false;
};

/// A path the user named, with the option that named it, for error messages.
struct NamedPath {
  std::string option;
  std::string path;
};

/// Throws Error (kBadInput, naming both options) when an output path resolves to an input, or
/// an input lies inside an output folder: symbolic links, `..` and hard links are seen through.
/// Empty paths are ignored. Commands call it before any work.
void refuse_overwriting_inputs(const std::vector<NamedPath>& inputs,
                               const std::vector<NamedPath>& outputs);

/// The same for a folder published as a set: throws Error (kBadInput, naming `option` and the
/// input's option) when an input is the folder or lies inside it, unless it is one of the
/// entries the set keeps (DIR/map.json for a sign-off).
void refuse_overwriting_inputs(const std::vector<NamedPath>& inputs, const OutputSetSpec& set,
                               const std::string& option);

/// Throws Error (kBadInput) naming `option` when `path` exists and is a folder: a file is
/// expected there.
void refuse_folder_as_file(const std::string& path, const std::string& option);

}  // namespace scprec::io
