// The shared NullLogger instance.
#include "scprec/core/logger.hpp"

namespace scprec {

Logger& null_logger() {
  static NullLogger instance;
  return instance;
}

}  // namespace scprec
