// A Logger that writes progress to a stream, one whole line at a time even from several
// threads; the CLI hands it to the libraries.
#pragma once

#include <mutex>
#include <ostream>

#include "scprec/core/logger.hpp"

namespace scprec::cli {

class StreamLogger final : public Logger {
 public:
  StreamLogger(std::ostream& stream, LogLevel threshold) : stream_(stream), threshold_(threshold) {}
  void log(LogLevel level, std::string_view message) override {
    if (level < threshold_) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    stream_ << (level == LogLevel::kWarning ? "scprec: warning: " : "scprec: ") << message << '\n'
            << std::flush;
  }

 private:
  std::ostream& stream_;
  LogLevel threshold_;
  std::mutex mutex_;
};

}  // namespace scprec::cli
