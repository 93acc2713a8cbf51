// Precision maps as versioned JSON (schema "scprec.precision-map/1"): write, read, validate.
#pragma once

#include <cstddef>
#include <string>

#include "scprec/model/precision_map.hpp"

namespace scprec::io {

/// The largest precision-map file read_precision_map reads. A map is about 400 bytes per layer,
/// so 16 MiB leaves room for tens of thousands of layers.
constexpr std::size_t kMaxPrecisionMapBytes = std::size_t{16} << 20;

/// The map as JSON text (two-space indent, fields in a fixed order).
std::string precision_map_json(const model::PrecisionMap& map);

/// Parses a map from JSON text. `where` names the source in errors. Throws Error (kBadInput)
/// naming the field (e.g. "layers[1].length") for a wrong schema id, a missing or mistyped
/// field, or a value out of range (integers are range-checked before narrowing), a cost other
/// than "cycles" or "synapse-cycles", or a layer seed other than model::layer_seed(generator
/// seed, index); every field that precision_map_json writes is checked. Text that is not JSON
/// (including numbers JSON cannot hold, such as 1e400) is kBadInput too, never a crash.
model::PrecisionMap parse_precision_map(const std::string& text, const std::string& where);

/// Writes the map atomically (write_file_atomically).
void write_precision_map(const model::PrecisionMap& map, const std::string& path);
/// Reads and parses a map file. Throws Error (kBadInput) if it cannot be read, is larger than
/// kMaxPrecisionMapBytes (a device like /dev/zero included) or fails parse_precision_map.
model::PrecisionMap read_precision_map(const std::string& path);

}  // namespace scprec::io
