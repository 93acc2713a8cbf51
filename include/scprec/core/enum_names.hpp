// Names for enums: one table per enum serves both printing and parsing, with uniform errors.
#pragma once

#include <cstddef>
#include <string>

#include "scprec/core/error.hpp"

namespace scprec {

/// One row of an enum's name table.
template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

/// The name of `value` in `table` ("" if the table lacks it, which a test should prevent).
template <typename Enum, std::size_t N>
std::string enum_name(const EnumName<Enum> (&table)[N], Enum value) {
  for (const EnumName<Enum>& row : table) {
    if (row.value == value) return row.name;
  }
  return "";
}

/// The value named `text` in `table`. Throws Error (kBadInput) naming `field`, e.g.
/// "--method: unknown method 'guess'. Use hoeffding, chebyshev or sensitivity".
template <typename Enum, std::size_t N>
Enum parse_enum_name(const EnumName<Enum> (&table)[N], const std::string& text,
                     const std::string& what, const std::string& field) {
  std::string choices;
  for (std::size_t k = 0; k < N; ++k) {
    if (text == table[k].name) return table[k].value;
    choices += k == 0 ? "" : k + 1 == N ? " or " : ", ";
    choices += table[k].name;
  }
  throw_bad_input("", field, "unknown " + what + " '" + text + "'", "Use " + choices);
}

}  // namespace scprec
