// Square matrices over GF(2) of size up to 64: LFSR jump-ahead and period proofs.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace scprec::core {

/// An n x n matrix over GF(2), n in [1, 64], stored by columns: column j is the image of the
/// basis vector e_j, as an n-bit word. Vectors are n-bit words (bit k = coordinate k).
class Gf2Matrix {
 public:
  /// The n x n identity.
  static Gf2Matrix identity(int n);
  /// The matrix of a linear map on n-bit words, read off its images of the basis vectors.
  /// The map must be linear over GF(2); this is not checked.
  static Gf2Matrix from_linear_map(int n, const std::function<std::uint64_t(std::uint64_t)>& map);

  int size() const { return static_cast<int>(columns_.size()); }
  /// Matrix times vector.
  std::uint64_t apply(std::uint64_t vector) const;
  /// this * other (apply `other` first).
  Gf2Matrix operator*(const Gf2Matrix& other) const;
  /// this^exponent by repeated squaring.
  Gf2Matrix power(std::uint64_t exponent) const;

  friend bool operator==(const Gf2Matrix& a, const Gf2Matrix& b) {
    return a.columns_ == b.columns_;
  }
  friend bool operator!=(const Gf2Matrix& a, const Gf2Matrix& b) { return !(a == b); }

 private:
  explicit Gf2Matrix(std::vector<std::uint64_t> columns) : columns_(std::move(columns)) {}
  std::vector<std::uint64_t> columns_;
};

/// Applies an n-bit linear map (n <= 32) fast, through four 256-entry tables, one per byte of
/// the input. Building costs 1024 matrix-vector products; applying costs four loads and XORs.
class Gf2ByteTables {
 public:
  explicit Gf2ByteTables(const Gf2Matrix& matrix);
  std::uint32_t apply(std::uint32_t vector) const {
    return tables_[0][vector & 0xFFU] ^ tables_[1][(vector >> 8) & 0xFFU] ^
           tables_[2][(vector >> 16) & 0xFFU] ^ tables_[3][vector >> 24];
  }

 private:
  std::uint32_t tables_[4][256];
};

}  // namespace scprec::core
