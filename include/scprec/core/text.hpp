// Small text helpers shared by the components.
#pragma once

#include <string_view>

namespace scprec::core {

/// True if `text` ends with `suffix` (C++20's ends_with, for C++17).
inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace scprec::core
