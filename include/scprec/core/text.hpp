// Small text helpers shared by the components.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace scprec::core {

/// True if `text` ends with `suffix` (C++20's ends_with, for C++17).
inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The words of `text`, split at whitespace.
inline std::vector<std::string> split_words(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

}  // namespace scprec::core
