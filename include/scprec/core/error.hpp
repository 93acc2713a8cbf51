// The one exception type scprec's libraries throw, and the invariant-check macro.
#pragma once

#include <stdexcept>
#include <string>

namespace scprec {

/// What went wrong, which decides the command line's exit code (see DESIGN.md).
enum class ErrorKind {
  kBadInput,     ///< a file, argument or field the user gave is wrong (exit 2)
  kCheckFailed,  ///< a verification the user asked for did not pass (exit 1)
  kEnvironment,  ///< a tool is missing, a simulation crashed, a file could not be written (exit 3)
  kInternal,     ///< an invariant of scprec itself broke: a bug (exit 3)
};

/// An error that names where it happened (a file, or "" when there is none), the field or
/// array concerned (or ""), what is wrong, and what the user can do about it.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string where, std::string field, std::string problem,
        std::string remedy);

  ErrorKind kind() const { return kind_; }
  const std::string& where() const { return where_; }
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }
  const std::string& remedy() const { return remedy_; }

 private:
  ErrorKind kind_;
  std::string where_;
  std::string field_;
  std::string problem_;
  std::string remedy_;
};

/// Shorthand for the common case: bad user input in `where` (a file or option), `field`.
[[noreturn]] void throw_bad_input(const std::string& where, const std::string& field,
                                  const std::string& problem, const std::string& remedy);

namespace detail {
[[noreturn]] void assertion_failed(const char* condition, const char* message, const char* file,
                                   int line);
}  // namespace detail

}  // namespace scprec

/// Checks an invariant of scprec's own code; on failure throws an Error of kind kInternal
/// naming the condition, the source file and the line. Never compiled out.
#define SCPREC_ASSERT(condition, message)                                                          \
  do {                                                                                             \
    if (!(condition)) ::scprec::detail::assertion_failed(#condition, message, __FILE__, __LINE__); \
  } while (false)
