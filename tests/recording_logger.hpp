// A Logger for tests that keeps every message, from any thread, to check what a run reported.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "scprec/core/logger.hpp"

namespace scprec::test {

class RecordingLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    const std::lock_guard<std::mutex> lock(mutex_);
    text_ += (level == LogLevel::kWarning ? "warning: " : "") + std::string(message) + "\n";
  }
  /// Every message so far, one a line, warnings prefixed "warning: ".
  std::string text() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

}  // namespace scprec::test
