// GF(2) matrices by columns: products XOR together the columns selected by a vector's bits.
#include "scprec/core/gf2.hpp"

#include "scprec/core/error.hpp"

namespace scprec::core {

Gf2Matrix Gf2Matrix::identity(int n) {
  SCPREC_ASSERT(n >= 1 && n <= 64, "GF(2) matrix size must be in [1, 64]");
  std::vector<std::uint64_t> columns(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) columns[static_cast<std::size_t>(j)] = std::uint64_t{1} << j;
  return Gf2Matrix(std::move(columns));
}

Gf2Matrix Gf2Matrix::from_linear_map(int n,
                                     const std::function<std::uint64_t(std::uint64_t)>& map) {
  SCPREC_ASSERT(n >= 1 && n <= 64, "GF(2) matrix size must be in [1, 64]");
  std::vector<std::uint64_t> columns(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) columns[static_cast<std::size_t>(j)] = map(std::uint64_t{1} << j);
  return Gf2Matrix(std::move(columns));
}

std::uint64_t Gf2Matrix::apply(std::uint64_t vector) const {
  std::uint64_t result = 0;
  for (std::size_t j = 0; j < columns_.size() && vector != 0; ++j, vector >>= 1) {
    if (vector & 1U) result ^= columns_[j];
  }
  return result;
}

Gf2Matrix Gf2Matrix::operator*(const Gf2Matrix& other) const {
  SCPREC_ASSERT(size() == other.size(), "GF(2) matrix sizes differ");
  std::vector<std::uint64_t> columns(other.columns_.size());
  for (std::size_t j = 0; j < columns.size(); ++j) columns[j] = apply(other.columns_[j]);
  return Gf2Matrix(std::move(columns));
}

Gf2Matrix Gf2Matrix::power(std::uint64_t exponent) const {
  Gf2Matrix result = identity(size());
  Gf2Matrix base = *this;
  while (exponent != 0) {
    if (exponent & 1U) result = base * result;
    base = base * base;
    exponent >>= 1;
  }
  return result;
}

Gf2ByteTables::Gf2ByteTables(const Gf2Matrix& matrix) {
  SCPREC_ASSERT(matrix.size() <= 32, "byte tables serve maps of at most 32 bits");
  for (int byte = 0; byte < 4; ++byte) {
    for (std::uint32_t value = 0; value < 256; ++value) {
      tables_[byte][value] =
          static_cast<std::uint32_t>(matrix.apply(std::uint64_t{value} << (8 * byte)));
    }
  }
}

}  // namespace scprec::core
