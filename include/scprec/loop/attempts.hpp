// Sign-off attempts on held-out rows. Held-out rows judge a map once: a second map judged on the
// same rows after the first failed is a second try at the same test, and the false sign-off rate
// grows with every try. A ledger records which maps were judged on which rows, so that the
// attempt number (and with it the significance, attempt_alpha) follows the tries.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scprec/model/precision_map.hpp"

namespace scprec::loop {

/// A SHA-256 of what fixes a map's verdict on given rows: model hash, quantization, generator,
/// seeds and lengths (not its predictions, measurements or provenance).
std::string map_identity(const model::PrecisionMap& map);

/// One judgement of a map on held-out rows.
struct Attempt {
  std::string data_hash;  ///< io::dataset_hash of the calibration split
  model::RowRange rows;
  std::string map;  ///< map_identity
  std::size_t number = 1;
  bool signed_off = false;
};

/// The attempts recorded in a file (JSON, `<cache>/signoff-attempts.json` by default), shared by
/// every run that uses the same cache. A ledger with an empty path records nothing and counts
/// every attempt as the first.
class AttemptLedger {
 public:
  explicit AttemptLedger(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  /// The attempt a judgement of `map` on `rows` of `data_hash` is: its earlier number when this
  /// map was judged on these rows before (a rerun reproduces that verdict), otherwise one more
  /// than the distinct maps judged on rows that overlap these. Throws Error (kBadInput) naming
  /// the file when it is not a ledger.
  std::size_t attempt_number(const std::string& data_hash, const model::RowRange& rows,
                             const std::string& map) const;
  /// Adds `attempt` (once per map and rows), under a lock, atomically.
  void record(const Attempt& attempt) const;

 private:
  std::vector<Attempt> read() const;
  std::string path_;
};

}  // namespace scprec::loop
