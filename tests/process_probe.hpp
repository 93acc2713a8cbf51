// Whether a process still runs, for the tests that kill processes and check their children.
#pragma once

#include <sys/types.h>

#include <fstream>
#include <ios>
#include <iterator>
#include <string>

namespace scprec::test {

/// Whether process `pid` still runs (a zombie waiting for its reaper has ended). A process that
/// ends while its stat file is read makes the read fail with ESRCH, which libstdc++ throws as
/// ios_base::failure whatever the stream's exception mask: that process has ended too.
inline bool running(pid_t pid) {
  try {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t state = text.rfind(") ");
    return stat.good() && state != std::string::npos && text[state + 2] != 'Z';
  } catch (const std::ios_base::failure&) {
    return false;
  }
}

}  // namespace scprec::test
