// In-process tests of `scprec cache info` and `scprec cache clean`, on a cache made by the cache
// library with a stand-in recipe (no Verilator).
#include "scprec/cosim/cache.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "commands.hpp"
#include "scprec/io/files.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result run(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = scprec::cli::run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

// A cache with a good simulator, a corrupt one and an abandoned temporary, in a folder of the
// test's own (`name`): ctest runs the cases in parallel, and a shared one raced.
std::string sample_cache(const std::string& name) {
  const std::string cache = std::string(SCPREC_TEST_WORK_DIR) + "/cli_cache_" + name;
  fs::remove_all(cache);
  const scprec::cosim::EntryRecipe recipe{"a test entry", {"sim"}, [](const std::string& staging) {
                                            scprec::io::write_file_atomically(staging + "/sim",
                                                                              "ok");
                                            return std::vector<std::string>{"sim"};
                                          }};
  scprec::cosim::obtain_entry(cache + "/sim-good", recipe, scprec::null_logger());
  scprec::cosim::obtain_entry(cache + "/sim-bad", recipe, scprec::null_logger());
  scprec::io::write_file_atomically(cache + "/sim-bad/sim", "changed");
  scprec::io::write_file_atomically(cache + "/sim-old.tmp.1.0/obj/x.o", "x");
  fs::last_write_time(cache + "/sim-old.tmp.1.0",
                      fs::file_time_type::clock::now() - std::chrono::hours(48));
  return cache;
}

}  // namespace

TEST_CASE("cli: cache info lists entries, verified or corrupt, and temporaries", "[cli]") {
  const std::string cache = sample_cache("info");
  const Result r = run({"cache", "info", "--cache", cache});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("cache: " + cache));
  CHECK_THAT(r.out, Catch::Contains("2 simulators, 0 runtimes, 1 temporaries"));
  CHECK_THAT(r.out, Catch::Contains("corrupt") && Catch::Contains(cache + "/sim-bad: corrupt"));
  CHECK_THAT(r.out, Catch::Contains("verified") && Catch::Contains(cache + "/sim-good"));
  CHECK_THAT(r.out, Catch::Contains("stale") && Catch::Contains(cache + "/sim-old.tmp.1.0"));
}

TEST_CASE("cli: cache clean --stale removes corrupt entries and temporaries, clean the rest",
          "[cli]") {
  const std::string cache = sample_cache("clean");
  Result r = run({"cache", "clean", "--stale", "--cache", cache});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("removed 2 entries"));
  CHECK_FALSE(fs::exists(cache + "/sim-bad"));
  CHECK_FALSE(fs::exists(cache + "/sim-old.tmp.1.0"));
  CHECK(fs::exists(cache + "/sim-good/sim"));
  r = run({"cache", "clean", "-q", "--cache", cache});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("removed 1 entries"));
  CHECK_FALSE(fs::exists(cache + "/sim-good"));
}

TEST_CASE("cli: cache refuses a file as the cache with exit 3 and no subcommand with exit 2",
          "[cli]") {
  const std::string file = std::string(SCPREC_TEST_WORK_DIR) + "/cli_cache_file";
  scprec::io::write_file_atomically(file, "x");
  const Result r = run({"cache", "info", "--cache", file});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains(file) && Catch::Contains("not a directory") &&
                        !Catch::Contains("internal error"));
  CHECK(run({"cache"}).code == 2);
  CHECK(run({"cache", "info", "--help"}).code == 0);
}
