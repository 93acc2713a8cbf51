// A minimal parallel loop over an index range on std::threads.
#pragma once

#include <cstddef>
#include <functional>

namespace scprec::core {

/// Calls body(k) for every k in [0, count), on `threads` threads (0: one per hardware thread),
/// each thread taking the next unclaimed index. Returns when all calls have returned. If a call
/// throws, the remaining indices are skipped and the first exception is rethrown here.
void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t)>& body);

/// The thread count parallel_for uses for `threads` = 0.
unsigned default_threads();

}  // namespace scprec::core
