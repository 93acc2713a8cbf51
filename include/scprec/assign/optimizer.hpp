// The exact discrete optimum over per-layer length choices: least cost within an error target,
// or least error within a budget.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace scprec::assign {

/// One choice for one layer: its length, what it costs and the error it contributes.
struct LayerOption {
  std::size_t length = 0;
  double cost = 0.0;
  double error = 0.0;
};

/// A choice of one option per layer, with its total cost and total error (sums over layers).
struct Selection {
  std::vector<std::size_t> choice;  ///< choice[l] indexes options[l]
  double cost = 0.0;
  double error = 0.0;
};

/// The selection of least total cost whose total error is at most `max_error`, or nothing if
/// none is. Among equal costs, the least error. Exact: see the algorithm in optimizer.cpp.
std::optional<Selection> cheapest_within_error(const std::vector<std::vector<LayerOption>>& options,
                                               double max_error);

/// The selection of least total error whose total cost is at most `max_cost`, or nothing if
/// none is. Among equal errors, the least cost.
std::optional<Selection> least_error_within_cost(
    const std::vector<std::vector<LayerOption>>& options, double max_cost);

}  // namespace scprec::assign
