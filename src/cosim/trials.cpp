// Stimulus and expected files (plain text, whitespace-separated) and results (JSON).
#include "scprec/cosim/trials.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "scprec/core/error.hpp"

namespace scprec::cosim {

std::string stimulus_text(const TrialSet& trials, std::size_t first, std::size_t last,
                          const std::vector<Setting>& settings) {
  SCPREC_ASSERT(first <= last && last <= trials.inputs.size(), "trial range within the set");
  const std::size_t inputs = trials.inputs.empty() ? 0 : trials.inputs.front().size();
  std::string text =
      settings.empty()
          ? fmt::format("scprec-stimulus 1 {} {}\n", last - first, inputs)
          : fmt::format("scprec-stimulus 2 {} {} {}\n", last - first, inputs, settings.size());
  for (const Setting& setting : settings)
    text += fmt::format("{} {}\n", setting.port, setting.value);
  for (std::size_t t = first; t < last; ++t) {
    text += fmt::format("{}\n", fmt::join(trials.inputs[t], " "));
  }
  return text;
}

std::string expected_text(const TrialSet& trials, std::size_t first, std::size_t last) {
  SCPREC_ASSERT(first <= last && last <= trials.expected.size(), "trial range within the set");
  const std::size_t groups = trials.expected.empty() ? 0 : trials.expected.front().size();
  std::string text = fmt::format("scprec-expected 1 {} {}\n", last - first, groups);
  for (std::size_t t = first; t < last; ++t) {
    for (std::size_t g = 0; g < trials.expected[t].size(); ++g) {
      text += fmt::format("{}{}", g == 0 ? "" : " ", fmt::join(trials.expected[t][g], " "));
    }
    text += "\n";
  }
  return text;
}

SimResults parse_results(const std::string& text, const DutSpec& dut, const std::string& where) {
  const auto bad = [&](const std::string& problem) {
    return Error(ErrorKind::kEnvironment, where, "", problem,
                 "The simulator wrote an unexpected results file; see the job's log");
  };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("not valid JSON (") + e.what() + ")");
  }
  try {
    if (json.at("schema") != "scprec.sim-results/1" || json.at("dut") != dut.module) {
      throw bad("not the results of " + dut.module);
    }
    const nlohmann::json& summary = json.at("summary");
    SimResults results;
    results.status = summary.at("status").get<std::string>();
    results.trials = summary.at("trials").get<std::size_t>();
    results.completed = summary.at("completed").get<std::size_t>();
    results.mismatches = summary.at("mismatches").get<std::size_t>();
    results.mismatching_trials = summary.at("mismatching_trials").get<std::size_t>();
    if (!summary.at("first_mismatch").is_null()) {
      results.first_mismatch = summary.at("first_mismatch").get<std::size_t>();
    }
    for (const nlohmann::json& trial : json.at("trials")) {
      TrialResult result;
      result.index = trial.at("index").get<std::size_t>();
      result.mismatches = trial.at("mismatches").get<std::size_t>();
      result.cycles = trial.at("cycles").get<std::uint64_t>();
      for (const OutputGroup& group : dut.outputs) {
        const nlohmann::json& values = trial.at("outputs").at(group.port);
        for (std::size_t e = 0; e < values.size(); ++e) {
          if (values[e].is_null()) {
            throw Error(ErrorKind::kCheckFailed, where, group.port,
                        fmt::format("trial {}: {}[{}] has unknown (x or z) bits", result.index,
                                    group.port, e),
                        "The RTL drives unknown bits; simulate it with --trace and look for an "
                        "unreset register or an undriven wire");
          }
        }
        result.outputs.push_back(values.get<std::vector<std::int64_t>>());
        const std::size_t got = result.outputs.back().size();
        if (got != group.values() && group.samples > 1 && got % group.count == 0) {
          throw bad(
              fmt::format("trial {}: the DUT pulsed {} {} times, not {}: it broke the handshake",
                          result.index, group.strobe, got / group.count, group.samples));
        }
        if (got != group.values()) throw bad("wrong size of " + group.port);
      }
      results.results.push_back(std::move(result));
    }
    return results;
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("malformed results (") + e.what() + ")");
  }
}

Comparison compare_outputs(const DutSpec& dut, const GroupValues& expected,
                           const GroupValues& actual, std::size_t trial) {
  Comparison c;
  for (std::size_t g = 0; g < expected.size(); ++g) {
    const bool known = g < dut.outputs.size();
    const std::string group = known ? dut.outputs[g].port : "group " + std::to_string(g);
    for (std::size_t e = 0; e < expected[g].size(); ++e) {
      const bool present = g < actual.size() && e < actual[g].size();
      if (present && actual[g][e] == expected[g][e]) continue;
      if (c.mismatches++ == 0) {
        // A group sampled at every position names the position: "conv1_pos at position 5[2]".
        const std::string element =
            known && dut.outputs[g].samples > 1
                ? fmt::format("{} at position {}[{}]", group, e / dut.outputs[g].count,
                              e % dut.outputs[g].count)
                : fmt::format("{}[{}]", group, e);
        c.first_difference =
            fmt::format("trial {}, {}: software model {}, RTL {}", trial, element, expected[g][e],
                        present ? std::to_string(actual[g][e]) : "missing");
      }
    }
    // Values beyond the expected ones (a strobe that pulsed too often) differ too.
    const std::size_t extra = g < actual.size() && actual[g].size() > expected[g].size()
                                  ? actual[g].size() - expected[g].size()
                                  : 0;
    if (extra != 0 && c.mismatches == 0) {
      c.first_difference = fmt::format("trial {}, {}: {} values more than the software model's {}",
                                       trial, group, extra, expected[g].size());
    }
    c.mismatches += extra;
  }
  return c;
}

}  // namespace scprec::cosim
