// The logger interface: the only way library code reports progress. The CLI hands one in.
#pragma once

#include <string_view>

namespace scprec {

enum class LogLevel { kDebug, kInfo, kWarning };

/// Receives progress and warnings from library code. Implementations decide where text goes;
/// the libraries never write to stdout or stderr themselves.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;

  void debug(std::string_view message) { log(LogLevel::kDebug, message); }
  void info(std::string_view message) { log(LogLevel::kInfo, message); }
  void warning(std::string_view message) { log(LogLevel::kWarning, message); }
};

/// A logger that drops everything; the default where a caller passes none.
class NullLogger final : public Logger {
 public:
  void log(LogLevel, std::string_view) override {}
};

/// A process-wide NullLogger instance, for default arguments.
Logger& null_logger();

}  // namespace scprec
