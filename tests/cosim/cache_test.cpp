// Tests for the build cache's bookkeeping, with a stand-in recipe instead of Verilator: entries
// verified by checksum and rebuilt when corrupt, one builder per entry, abandoned temporaries
// swept, a cache path that is a file refused, and what `cache info` and `cache clean` see.
#include "scprec/cosim/cache.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "../recording_logger.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

namespace fs = std::filesystem;
using scprec::cosim::CacheLock;
using scprec::cosim::EntryState;

namespace {

using scprec::test::RecordingLogger;

std::string fresh_cache(const std::string& name) {
  const std::string cache = std::string(SCPREC_TEST_WORK_DIR) + "/cache/" + name;
  fs::remove_all(cache);
  fs::create_directories(cache);
  return cache;
}

// A recipe that writes `bin` after `delay`, counting its runs.
scprec::cosim::EntryRecipe counting_recipe(std::atomic<int>& builds,
                                           std::chrono::milliseconds delay = {}) {
  return {"a test entry", {"bin"}, [&builds, delay](const std::string& staging) {
            ++builds;
            std::this_thread::sleep_for(delay);
            scprec::io::write_file_atomically(staging + "/bin", "the binary");
            return std::vector<std::string>{"bin"};
          }};
}

// A process id that is certainly not running: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

TEST_CASE("cosim: a corrupt or incomplete cache entry is rebuilt with a warning naming it",
          "[cosim]") {
  const std::string entry = fresh_cache("heal") + "/sim-abc";
  std::atomic<int> builds{0};
  RecordingLogger logger;
  CHECK(scprec::cosim::obtain_entry(entry, counting_recipe(builds), logger).built);
  CHECK(scprec::cosim::entry_problem(entry).empty());
  CHECK_FALSE(scprec::cosim::obtain_entry(entry, counting_recipe(builds), logger).built);
  CHECK(builds == 1);

  scprec::io::write_file_atomically(entry + "/bin", "the binarY");  // one byte flipped
  CHECK_THAT(scprec::cosim::entry_problem(entry), Catch::Contains("bin does not match"));
  CHECK(scprec::cosim::obtain_entry(entry, counting_recipe(builds), logger).built);
  CHECK_THAT(logger.text(),
             Catch::Contains("warning: cache entry " + entry) && Catch::Contains("rebuilding"));
  CHECK(scprec::io::read_file(entry + "/bin") == "the binary");

  fs::remove(entry + "/" + scprec::cosim::kManifestName);  // as a build from before manifests
  CHECK_THAT(scprec::cosim::entry_problem(entry), Catch::Contains("incomplete"));
  CHECK(scprec::cosim::obtain_entry(entry, counting_recipe(builds), logger).built);
  CHECK(builds == 3);
}

TEST_CASE("cosim: two threads wanting one cache entry build it once", "[cosim]") {
  const std::string entry = fresh_cache("lock") + "/sim-abc";
  std::atomic<int> builds{0};
  RecordingLogger logger;
  std::vector<bool> built(2);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < 2; ++k) {
    threads.emplace_back([&, k] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * k));  // the second comes late
      built[k] = scprec::cosim::obtain_entry(
                     entry, counting_recipe(builds, std::chrono::milliseconds(1000)), logger)
                     .built;
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(builds == 1);
  CHECK(built[0] != built[1]);
  CHECK_THAT(logger.text(), Catch::Contains("waiting for another build of " + entry));
}

TEST_CASE("cosim: a held cache entry is kept by clean, a free one is removed", "[cosim]") {
  const std::string cache = fresh_cache("clean");
  std::atomic<int> builds{0};
  const auto held = scprec::cosim::obtain_entry(cache + "/sim-used", counting_recipe(builds),
                                                scprec::null_logger());
  scprec::cosim::obtain_entry(cache + "/sim-free", counting_recipe(builds), scprec::null_logger());
  scprec::cosim::obtain_entry(cache + "/runtime-bad", counting_recipe(builds),
                              scprec::null_logger());
  scprec::io::write_file_atomically(cache + "/runtime-bad/bin", "changed");

  const auto entries = scprec::cosim::inspect_cache(cache);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].state == EntryState::kCorrupt);  // runtime-bad
  CHECK(entries[0].kind == scprec::cosim::EntryKind::kRuntime);
  CHECK(entries[1].state == EntryState::kVerified);  // sim-free
  CHECK(entries[2].state == EntryState::kInUse);     // sim-used
  CHECK(entries[2].bytes > 0);

  const auto stale =
      scprec::cosim::clean_cache(cache, scprec::cosim::CleanScope::kStale, scprec::null_logger());
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].path == cache + "/runtime-bad");
  const auto all =
      scprec::cosim::clean_cache(cache, scprec::cosim::CleanScope::kAll, scprec::null_logger());
  REQUIRE(all.size() == 1);
  CHECK(all[0].path == cache + "/sim-free");
  CHECK(fs::exists(cache + "/sim-used/bin"));
}

TEST_CASE("cosim: abandoned cache temporaries are swept, live ones kept", "[cosim]") {
  const std::string cache = fresh_cache("sweep");
  const std::string dead = cache + "/sim-abc.tmp." + std::to_string(dead_pid()) + ".0";
  const std::string live = cache + "/sim-abc.tmp." + std::to_string(::getpid()) + ".1";
  const std::string old = cache + "/sim-def.tmp." + std::to_string(::getpid()) + ".2";
  const std::string building = cache + "/sim-ghi.tmp." + std::to_string(dead_pid()) + ".3";
  for (const std::string& folder : {dead, live, old, building}) {
    scprec::io::write_file_atomically(folder + "/obj/big.o", std::string(1000, 'x'));
  }
  fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(25));
  const CacheLock builder = scprec::cosim::lock_entry(
      cache + "/sim-ghi", CacheLock::Mode::kExclusive, scprec::null_logger());
  REQUIRE(builder.held());

  const auto entries = scprec::cosim::inspect_cache(cache);
  REQUIRE(entries.size() == 4);
  for (const auto& entry : entries) {
    INFO(entry.path);
    CHECK(entry.kind == scprec::cosim::EntryKind::kTemporary);
    CHECK(entry.state ==
          (entry.path == dead || entry.path == old ? EntryState::kStale : EntryState::kInProgress));
  }
  RecordingLogger logger;
  const auto removed = scprec::cosim::sweep_temporaries(cache, logger);
  CHECK(removed.size() == 2);
  CHECK_FALSE(fs::exists(dead));
  CHECK_FALSE(fs::exists(old));
  CHECK(fs::exists(live));
  CHECK(fs::exists(building));  // its pid is gone, but someone holds its entry's lock
  CHECK_THAT(logger.text(), Catch::Contains("removed the abandoned temporary " + dead));
}

TEST_CASE("cosim: a cache path that is a file is an environment error naming it", "[cosim]") {
  const std::string file = fresh_cache("file") + "/not-a-directory";
  scprec::io::write_file_atomically(file, "x");
  try {
    scprec::cosim::ensure_cache_dir(file);
    FAIL("no error");
  } catch (const scprec::Error& e) {
    CHECK(e.kind() == scprec::ErrorKind::kEnvironment);
    CHECK(e.where() == file);
    CHECK_THAT(e.problem(), Catch::Contains("not a directory"));
    CHECK_THAT(e.remedy(), Catch::Contains("--cache"));
  }
  CHECK_THROWS_AS(scprec::cosim::inspect_cache(file), scprec::Error);
}
