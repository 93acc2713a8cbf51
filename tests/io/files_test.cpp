// Tests for the file helpers' capped reads: whole files within the cap, a clear refusal past it,
// and a bounded read of inputs that never end (/dev/zero, a FIFO whose writer keeps writing).
#include "scprec/io/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"

using scprec::test::TempDir;

namespace {

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Reading `path` with this cap must fail as bad input naming the path and the limit.
void check_too_large(const std::string& path, std::size_t cap, const std::string& limit_text) {
  try {
    scprec::io::read_file_capped(path, cap, "precision map");
    FAIL("no error for " << path);
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kBadInput);
    CHECK(e.where() == path);
    CHECK_THAT(e.problem(), Catch::Contains("larger than " + limit_text) &&
                                Catch::Contains("the most a precision map may hold"));
    CHECK_THAT(e.remedy(), Catch::Contains("names a precision map"));
  }
}

}  // namespace

TEST_CASE("io: a capped read returns files up to the cap whole and refuses larger ones", "[io]") {
  const TempDir dir("files-cap");
  const std::string path = dir.file("map.json");
  write_text(path, std::string(1024, 'x'));
  CHECK(scprec::io::read_file_capped(path, 1024, "precision map") == std::string(1024, 'x'));
  CHECK(scprec::io::read_file_capped(path, 4096, "precision map").size() == 1024);
  check_too_large(path, 1023, "1023 bytes");
  write_text(path, std::string((1 << 20) + 1, ' '));
  check_too_large(path, 1 << 20, "1 MiB");
  CHECK_THROWS_WITH(scprec::io::read_file_capped(dir.file("missing.json"), 10, "manifest"),
                    Catch::Contains("cannot open the file"));
  CHECK_THROWS_WITH(scprec::io::read_file_capped(dir.path().string(), 10, "manifest"),
                    Catch::Contains("cannot read the file"));
}

TEST_CASE("io: a capped read of an endless device stops at the cap", "[io]") {
  const auto start = std::chrono::steady_clock::now();
  check_too_large("/dev/zero", 16 << 20, "16 MiB");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("io: a capped read of a FIFO stops at the cap while the writer goes on", "[io]") {
  const TempDir dir("files-fifo");
  const std::string fifo = dir.file("map.json");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] {
    // SIGPIPE goes to the writing thread: blocked here, a closed reader gives EPIPE instead.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const std::string chunk(4096, '{');
    while (fd >= 0 && ::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    if (fd >= 0) ::close(fd);
  });
  check_too_large(fifo, 1 << 20, "1 MiB");
  writer.join();
}

TEST_CASE("io: an output named without a folder is written in the working folder", "[io]") {
  // `scprec assign -o map.json` once failed here: the check that the output is not a folder left
  // an error code set for a file not yet written, read as a failure to create its folder.
  const TempDir dir("bare-name");
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  try {
    scprec::io::write_file_atomically("map.json", "{}\n");
  } catch (...) {
    std::filesystem::current_path(previous);
    throw;
  }
  std::filesystem::current_path(previous);
  CHECK(scprec::io::read_file((dir.path() / "map.json").string()) == "{}\n");
}
