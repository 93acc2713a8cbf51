// The files a simulator job reads and writes: stimulus, expected outputs, results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scprec/cosim/dut.hpp"
#include "scprec/model/quantize.hpp"

namespace scprec::cosim {

/// Values of every output group of one trial: [group][element].
using GroupValues = std::vector<std::vector<std::int64_t>>;

/// A DUT's trials: the input codes and the software model's outputs, in the DUT's group order.
struct TrialSet {
  std::vector<model::Codes> inputs;
  std::vector<GroupValues> expected;
};

/// "scprec-stimulus 1 TRIALS INPUTS" and a line of codes per trial (trials [first, last)).
/// With settings: "scprec-stimulus 2 TRIALS INPUTS SETTINGS", a line "PORT VALUE" per setting,
/// then the trials.
std::string stimulus_text(const TrialSet& trials, std::size_t first, std::size_t last,
                          const std::vector<Setting>& settings = {});
/// "scprec-expected 1 TRIALS GROUPS" and a line of every group's values per trial.
std::string expected_text(const TrialSet& trials, std::size_t first, std::size_t last);

/// One trial as the testbench reported it.
struct TrialResult {
  std::size_t index = 0;       ///< within the job's trials
  std::size_t mismatches = 0;  ///< output elements that differ from the software model
  std::uint64_t cycles = 0;    ///< start to done
  GroupValues outputs;         ///< what the RTL produced
};

/// A job's results file (schema "scprec.sim-results/1").
struct SimResults {
  std::string status;  ///< "pass", "mismatch", "hung" or "protocol" (done with no trial started)
  std::size_t trials = 0;
  std::size_t completed = 0;
  std::size_t mismatches = 0;
  std::size_t mismatching_trials = 0;
  std::optional<std::size_t> first_mismatch;
  std::vector<TrialResult> results;
};

/// The RTL's outputs of one trial compared with the software model's, element by element: the
/// host's own scoreboard, independent of the testbench's.
struct Comparison {
  std::size_t mismatches = 0;  ///< output elements that differ
  /// The first that differs, as "trial 3, fc2_neg[1]: software model 7, RTL 6"; "" if none.
  std::string first_difference;
};
/// Compares `actual` with `expected`, both in `dut`'s group order; `trial` names the trial in
/// the text. A group or element missing from `actual`, or beyond `expected`'s, counts as
/// differing.
Comparison compare_outputs(const DutSpec& dut, const GroupValues& expected,
                           const GroupValues& actual, std::size_t trial);

/// Parses a results file for `dut`. Throws Error (kEnvironment) naming `where` if it is not a
/// results file for that DUT, or (kCheckFailed) naming the element if an output is null: unknown
/// x or z bits, which only a four-state simulator (Icarus) can see.
SimResults parse_results(const std::string& text, const DutSpec& dut, const std::string& where);

}  // namespace scprec::cosim
