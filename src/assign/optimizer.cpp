// Exact optimisation over per-layer options by dynamic programming on the Pareto front.
//
// Both problems are a multiple-choice knapsack with separable cost and error. After processing
// layers 0..l, keep every partial selection that no other partial selection beats on both cost
// and error (the Pareto front), sorted by increasing cost and so strictly decreasing error. The
// front for layers 0..l+1 is the Pareto front of {front entry + option}. A selection that is
// optimal overall restricts to a Pareto-optimal partial selection (otherwise swapping in the
// dominating partial selection would improve it), so the final front contains an optimum of
// both problems. The front is at most as large as the number of distinct total costs, which
// for power-of-two lengths stays small.
#include "scprec/assign/optimizer.hpp"

#include <algorithm>
#include <limits>

namespace scprec::assign {
namespace {

std::vector<Selection> pareto_front(const std::vector<std::vector<LayerOption>>& options,
                                    double max_cost) {
  std::vector<Selection> front = {Selection{}};
  for (const std::vector<LayerOption>& layer : options) {
    std::vector<Selection> candidates;
    for (const Selection& partial : front) {
      for (std::size_t k = 0; k < layer.size(); ++k) {
        Selection next = partial;
        next.choice.push_back(k);
        next.cost += layer[k].cost;
        next.error += layer[k].error;
        if (next.cost <= max_cost) candidates.push_back(std::move(next));
      }
    }
    std::sort(candidates.begin(), candidates.end(), [](const Selection& a, const Selection& b) {
      return a.cost != b.cost ? a.cost < b.cost : a.error < b.error;
    });
    front.clear();
    for (Selection& candidate : candidates) {
      if (front.empty() || candidate.error < front.back().error) {
        front.push_back(std::move(candidate));
      }
    }
  }
  return front;
}

}  // namespace

std::optional<Selection> cheapest_within_error(const std::vector<std::vector<LayerOption>>& options,
                                               double max_error) {
  for (Selection& selection : pareto_front(options, std::numeric_limits<double>::infinity())) {
    if (selection.error <= max_error) return std::move(selection);
  }
  return std::nullopt;
}

std::optional<Selection> least_error_within_cost(
    const std::vector<std::vector<LayerOption>>& options, double max_cost) {
  std::vector<Selection> front = pareto_front(options, max_cost);
  if (front.empty()) return std::nullopt;
  return std::move(front.back());
}

}  // namespace scprec::assign
