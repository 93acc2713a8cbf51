// The Error type: builds its one-line message from where, field, problem and remedy.
#include "scprec/core/error.hpp"

#include <utility>

namespace scprec {
namespace {

std::string compose(const std::string& where, const std::string& field, const std::string& problem,
                    const std::string& remedy) {
  std::string text;
  if (!where.empty()) text += where + ": ";
  if (!field.empty()) text += field + ": ";
  text += problem;
  if (!remedy.empty()) text += ". " + remedy;
  return text;
}

}  // namespace

Error::Error(ErrorKind kind, std::string where, std::string field, std::string problem,
             std::string remedy)
    : std::runtime_error(compose(where, field, problem, remedy)),
      kind_(kind),
      where_(std::move(where)),
      field_(std::move(field)),
      problem_(std::move(problem)),
      remedy_(std::move(remedy)) {}

void throw_bad_input(const std::string& where, const std::string& field, const std::string& problem,
                     const std::string& remedy) {
  throw Error(ErrorKind::kBadInput, where, field, problem, remedy);
}

namespace detail {

void assertion_failed(const char* condition, const char* message, const char* file, int line) {
  throw Error(ErrorKind::kInternal, std::string(file) + ":" + std::to_string(line), "",
              std::string("internal check failed: ") + condition + " (" + message + ")",
              "This is a bug in scprec; please report it with the command that triggered it");
}

}  // namespace detail
}  // namespace scprec
