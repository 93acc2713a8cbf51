// What every fuzz target asserts: a reader returns a result or throws scprec::Error, nothing else.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "scprec/core/error.hpp"

namespace scprec::fuzz {

/// Runs `read` on one input. A bad-input (or environment) Error is the expected refusal; an
/// internal Error (a broken invariant), any other exception, or a crash is a finding, reported
/// by aborting so that libFuzzer saves the input.
template <typename Read>
void expect_result_or_error(Read read) {
  try {
    read();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInternal) return;
    std::fprintf(stderr, "fuzz: internal error (a bug): %s\n", e.what());
    std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: a non-scprec exception escaped the reader: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz: a non-scprec exception escaped the reader\n");
    std::abort();
  }
}

}  // namespace scprec::fuzz
