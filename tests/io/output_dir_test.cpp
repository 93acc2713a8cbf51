// Tests of output folders published as one set: the switch, a run killed before or while it
// stages, the lock (held, and released by a killed holder), folders that are not scprec's, and
// outputs that would overwrite an input.
#include "scprec/io/output_dir.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

using scprec::Error;
using scprec::ErrorKind;
using scprec::io::OutputDir;
using scprec::io::OutputSetSpec;
using scprec::test::TempDir;
namespace fs = std::filesystem;

namespace {

OutputSetSpec report_set(const std::string& dir) {
  return {dir, {"report.md", "junit.xml", "rtl"}, {"map.json"}, {"sim"}};
}

// Publishes a set whose every file holds `tag`.
void publish_set(const std::string& dir, const std::string& tag) {
  OutputDir out(report_set(dir));
  scprec::io::write_file_atomically(out.staging() + "/report.md", tag);
  scprec::io::write_file_atomically(out.staging() + "/junit.xml", tag);
  scprec::io::write_file_atomically(out.staging() + "/rtl/top.v", tag);
  out.publish();
}

// Runs `body` in a child process that is then killed by SIGKILL, as a run killed mid-way.
template <typename Body>
void in_killed_child(Body body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      body();
    } catch (...) {
      ::_exit(1);
    }
    ::raise(SIGKILL);
    ::_exit(2);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));  // the body ran to the kill
}

ErrorKind kind_of_error(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.kind();
  }
  FAIL("no error was thrown");
  return ErrorKind::kInternal;
}

}  // namespace

TEST_CASE("io: a published set replaces the previous one whole", "[io]") {
  const TempDir tmp("outdir-publish");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  CHECK(scprec::io::read_file(dir + "/junit.xml") == "first");
  {
    OutputDir out(report_set(dir));
    CHECK(out.had_previous());
    scprec::io::write_file_atomically(out.staging() + "/junit.xml", "second");
    out.publish();
  }
  CHECK(scprec::io::read_file(dir + "/junit.xml") == "second");
  CHECK_FALSE(fs::exists(dir + "/report.md"));  // not in the new set: gone with the old one
  CHECK_FALSE(fs::exists(dir + "/rtl"));
}

TEST_CASE("io: kept entries are carried over into the new set unchanged", "[io]") {
  const TempDir tmp("outdir-kept");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  scprec::io::write_file_atomically(dir + "/map.json", "the map");
  publish_set(dir, "second");
  CHECK(scprec::io::read_file(dir + "/map.json") == "the map");
  CHECK(scprec::io::read_file(dir + "/report.md") == "second");
}

TEST_CASE("io: a run killed while staging leaves the previous set whole", "[io]") {
  const TempDir tmp("outdir-killed");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  in_killed_child([&] {
    OutputDir out(report_set(dir));
    scprec::io::write_file_atomically(out.staging() + "/report.md", "half");
    scprec::io::write_file_atomically(out.staging() + "/junit.xml.tmp.1.0", "half");
  });
  for (const char* name : {"report.md", "junit.xml", "rtl/top.v"}) {
    CHECK(scprec::io::read_file(dir + "/" + name) == "first");
  }
  // The next run clears the killed run's staging: nothing of it reaches the new set.
  OutputDir out(report_set(dir));
  CHECK(fs::is_empty(out.staging()));
}

TEST_CASE("io: a run that fails before publishing leaves the previous set and no staging",
          "[io]") {
  const TempDir tmp("outdir-failed");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  std::string staging;
  {
    OutputDir out(report_set(dir));
    staging = out.staging();
    scprec::io::write_file_atomically(out.staging() + "/junit.xml", "unpublished");
    out.write_in_place("junit.xml", "the error");
  }
  CHECK_FALSE(fs::exists(staging));
  CHECK(scprec::io::read_file(dir + "/junit.xml") == "the error");
  CHECK(scprec::io::read_file(dir + "/report.md") == "first");
}

TEST_CASE("io: a second run on a locked output folder is refused naming the holder", "[io]") {
  const TempDir tmp("outdir-locked");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  {
    const OutputDir holder(report_set(dir));
    try {
      OutputDir second(report_set(dir));
      FAIL("the second run was let in");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kEnvironment);
      CHECK_THAT(e.what(), Catch::Contains("another scprec run (pid " + std::to_string(::getpid())));
    }
  }
  CHECK_NOTHROW(OutputDir(report_set(dir)));  // released with its holder
}

TEST_CASE("io: the lock of a killed run is released with it", "[io]") {
  const TempDir tmp("outdir-stale-lock");
  const std::string dir = tmp.file("out");
  in_killed_child([&] {
    const OutputDir out(report_set(dir));
    (void)out;
  });
  CHECK_NOTHROW(OutputDir(report_set(dir)));
}

TEST_CASE("io: an output folder holding what scprec did not write is refused", "[io]") {
  const TempDir tmp("outdir-foreign");
  const std::string dir = tmp.file("out");
  scprec::io::write_file_atomically(dir + "/my-notes.txt", "mine");
  try {
    OutputDir out(report_set(dir));
    FAIL("a folder with a user's file was taken");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kBadInput);
    CHECK_THAT(e.what(), Catch::Contains("'my-notes.txt'") &&
                             Catch::Contains("scprec did not write"));
  }
  CHECK(scprec::io::read_file(dir + "/my-notes.txt") == "mine");
  // Entries of the last published set are scprec's, whatever their names.
  const std::string rtl = tmp.file("rtl");
  {
    OutputDir out({rtl, {"fc1.v"}, {}, {}});
    scprec::io::write_file_atomically(out.staging() + "/fc1.v", "v");
    out.publish();
  }
  CHECK_NOTHROW(OutputDir({rtl, {"dense1.v"}, {}, {}}));
}

TEST_CASE("io: an output folder that is a file, or the root, is bad input", "[io]") {
  const TempDir tmp("outdir-file");
  scprec::io::write_file_atomically(tmp.file("a-file"), "x");
  CHECK(kind_of_error([&] { OutputDir out(report_set(tmp.file("a-file"))); }) ==
        ErrorKind::kBadInput);
  CHECK(kind_of_error([&] { OutputDir out(report_set("/")); }) == ErrorKind::kBadInput);
  CHECK(kind_of_error([&] { OutputDir out(report_set("")); }) == ErrorKind::kBadInput);
}

TEST_CASE("io: outputs that resolve to an input are refused, through links and dot-dots",
          "[io]") {
  const TempDir tmp("outdir-inputs");
  const std::string model = tmp.file("model.npz");
  scprec::io::write_file_atomically(model, "weights");
  fs::create_directories(tmp.file("sub"));
  fs::create_symlink(model, tmp.file("link.npz"));
  fs::create_hard_link(model, tmp.file("hard.npz"));
  for (const std::string& overwriting :
       {model, tmp.file("sub/../model.npz"), tmp.file("link.npz"), tmp.file("hard.npz"),
        tmp.path().string()}) {  // the last, a folder holding it
    INFO(overwriting);
    try {
      scprec::io::refuse_overwriting_inputs({{"--model", model}, {"--manifest", ""}},
                                            {{"-o", overwriting}});
      FAIL("an output over the input was allowed");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kBadInput);
      CHECK_THAT(e.what(), Catch::StartsWith("-o: ") && Catch::Contains("--model"));
    }
  }
  CHECK(scprec::io::read_file(model) == "weights");
}

TEST_CASE("io: outputs beside the inputs are allowed", "[io]") {
  const TempDir tmp("outdir-beside");
  scprec::io::write_file_atomically(tmp.file("model.npz"), "weights");
  CHECK_NOTHROW(scprec::io::refuse_overwriting_inputs(
      {{"--model", tmp.file("model.npz")}},
      {{"-o", tmp.file("map.json")}, {"--out", tmp.file("model.npz.d")}, {"--work", ""}}));
  CHECK_NOTHROW(scprec::io::refuse_non_file_output(tmp.file("map.json"), "-o"));
  CHECK(kind_of_error([&] { scprec::io::refuse_non_file_output(tmp.path().string(), "-o"); }) ==
        ErrorKind::kBadInput);
}

TEST_CASE("io: temporaries a killed write left are removed, not taken for a user's files", "[io]") {
  const TempDir tmp("outdir-temporaries");
  const std::string dir = tmp.file("out");
  publish_set(dir, "first");
  scprec::io::write_file_atomically(dir + "/junit.xml.tmp.999.0", "half");
  scprec::io::write_file_atomically(tmp.file(".out.scprec/published.tmp.999.3"), "half");
  const OutputDir out(report_set(dir));
  CHECK_FALSE(fs::exists(dir + "/junit.xml.tmp.999.0"));
  CHECK_FALSE(fs::exists(tmp.file(".out.scprec/published.tmp.999.3")));
  CHECK(scprec::io::read_file(dir + "/junit.xml") == "first");
}

TEST_CASE("io: output folders resolve through links, and loops and the current folder are refused",
          "[io]") {
  const TempDir tmp("outdir-resolve");
  // A dangling link: the folder is made where it points, and the link stays.
  fs::create_symlink("real", tmp.file("link"));
  {
    OutputDir out(report_set(tmp.file("link")));
    scprec::io::write_file_atomically(out.staging() + "/junit.xml", "through the link");
    out.publish();
  }
  CHECK(fs::is_symlink(tmp.file("link")));
  CHECK(scprec::io::read_file(tmp.file("real/junit.xml")) == "through the link");
  fs::create_symlink("loop2", tmp.file("loop1"));
  fs::create_symlink("loop1", tmp.file("loop2"));
  CHECK(kind_of_error([&] { OutputDir out(report_set(tmp.file("loop1"))); }) ==
        ErrorKind::kBadInput);
  const fs::path cwd = fs::current_path();
  fs::create_directories(tmp.file("work/inner"));
  fs::current_path(tmp.file("work/inner"));
  for (const char* dir : {".", "..", "./", "../inner"}) {
    INFO(dir);
    CHECK(kind_of_error([&] { OutputDir out(report_set(dir)); }) == ErrorKind::kBadInput);
  }
  CHECK_NOTHROW(OutputDir(report_set("sub")));
  fs::current_path(cwd);
}

TEST_CASE("io: an atomic write refuses to replace a device or FIFO and writes through a link",
          "[io]") {
  const TempDir tmp("files-special");
  REQUIRE(::mkfifo(tmp.file("fifo").c_str(), 0644) == 0);
  try {
    scprec::io::write_file_atomically(tmp.file("fifo"), "x");
    FAIL("a FIFO was replaced");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kBadInput);
    CHECK_THAT(e.what(), Catch::Contains("not a regular file"));
  }
  CHECK(fs::is_fifo(tmp.file("fifo")));
  CHECK(kind_of_error([&] { scprec::io::refuse_non_file_output("/dev/null", "-o"); }) ==
        ErrorKind::kBadInput);
  scprec::io::write_file_atomically(tmp.file("target.json"), "old");
  fs::create_symlink("target.json", tmp.file("link.json"));
  scprec::io::write_file_atomically(tmp.file("link.json"), "new");
  CHECK(fs::is_symlink(tmp.file("link.json")));
  CHECK(scprec::io::read_file(tmp.file("target.json")) == "new");
}
