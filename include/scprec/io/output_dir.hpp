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
/// The name of the note a run leaves in DIR when it marks the previous verdict superseded.
inline constexpr const char* kSupersededNote = "SUPERSEDED";

class OutputDir {
 public:
  /// Resolves DIR (resolve_output_folder), takes the lock, and removes what killed runs left: a
  /// staging folder, and temporaries of atomic writes (NAME.tmp.<pid>.<n>) in DIR and the state
  /// folder. Throws Error: kBadInput as resolve_output_folder, or when DIR holds entries scprec
  /// did not write (so that nothing of the user's is ever swapped away); kEnvironment when
  /// another run holds the lock (naming its pid) or a folder cannot be made (naming it).
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
  void refuse_foreign_entries() const;

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

/// The folder `dir` names, absolute, as it will be published: through a symbolic link (where it
/// points, even if that does not exist yet), `..` and trailing separators. Throws Error
/// (kBadInput, naming `dir`) when it is empty, cannot be resolved (a loop of links), exists and
/// is not a folder, is the root, the current folder or one holding it, or is a mount point
/// (publishing renames the folder, which a mount point refuses).
std::string resolve_output_folder(const std::string& dir);

/// The state folder of a resolved output folder: `.NAME.scprec` beside it.
std::string state_folder_of(const std::string& folder);

/// Writes DIR/name at once, as OutputDir::write_in_place, unless a run holds DIR's lock (then it
/// writes nothing and returns false): for a command that stops before it has an OutputDir.
/// Throws Error as resolve_output_folder, or (kEnvironment) when the file cannot be written.
bool write_unless_locked(const std::string& dir, const std::string& name,
                         const std::string& content);

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

/// Throws Error (kBadInput) naming `option` when `path` exists and is not a regular file (a
/// folder, a device, a FIFO): an output file is expected there, and is replaced whole.
void refuse_non_file_output(const std::string& path, const std::string& option);

}  // namespace scprec::io
