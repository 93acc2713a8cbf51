// The ledger is a small JSON list, rewritten whole (write_file_atomically) under a flock on
// `<path>.lock`, so that concurrent runs neither lose an attempt nor read a torn file.
#include "scprec/loop/attempts.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "scprec/core/encoding.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"
#include "scprec/io/sha256.hpp"

namespace scprec::loop {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSchema = "scprec.signoff-attempts/1";
constexpr std::size_t kMaxLedgerBytes = std::size_t{64} << 20;

// An exclusive flock on `<path>.lock`, released when it goes out of scope.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    const std::string lock = path + ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw Error(ErrorKind::kEnvironment, lock, "",
                  std::string("cannot lock the sign-off ledger: ") + std::strerror(errno),
                  "Check the cache folder's permissions, or give another --cache");
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

std::string map_identity(const model::PrecisionMap& map) {
  io::Sha256 hash;
  hash.add_text("scprec.map-identity/1");
  hash.add_text(map.model_hash);
  hash.add_text(std::to_string(map.quant.bits));
  hash.add_text(core::to_string(map.quant.encoding));
  for (double scale : map.activation_scales) hash.add_text(fmt::format("{:a}", scale));
  // A map whose layers share a generator hashes as it did before per-layer generators.
  const std::string generator = map.generator_kind();
  hash.add_text(generator);
  hash.add_text(std::to_string(map.generator_width));
  hash.add_text(std::to_string(map.seed));
  for (const model::LayerPrecision& layer : map.layers) {
    hash.add_text(layer.name);
    hash.add_text(std::to_string(layer.length));
    if (generator == "mixed") hash.add_text(core::to_string(layer.generator));
  }
  return hash.hex();
}

std::vector<Attempt> AttemptLedger::read() const {
  std::vector<Attempt> attempts;
  if (path_.empty() || !fs::exists(path_)) return attempts;
  const std::string text = io::read_file_capped(path_, kMaxLedgerBytes, "sign-off ledger");
  const auto bad = [&](const std::string& problem) {
    throw_bad_input(path_, "", problem,
                    "Restore the file, or move it away (which forgets every recorded attempt)");
  };
  try {
    const Json json = Json::parse(text);
    if (!json.is_object() || json.value("schema", "") != kSchema) bad("is not a sign-off ledger");
    for (const Json& a : json.at("attempts")) {
      attempts.push_back({a.at("data").get<std::string>(),
                          {a.at("begin").get<std::size_t>(), a.at("count").get<std::size_t>()},
                          a.at("map").get<std::string>(),
                          a.at("attempt").get<std::size_t>(),
                          a.at("signed_off").get<bool>()});
    }
  } catch (const Json::exception& e) {
    bad(std::string("is not a valid sign-off ledger (") + e.what() + ")");
  }
  return attempts;
}

std::size_t AttemptLedger::attempt_number(const std::string& data_hash, const model::RowRange& rows,
                                          const std::string& map) const {
  std::set<std::string> others;
  for (const Attempt& a : read()) {
    if (a.data_hash != data_hash || !a.rows.overlaps(rows)) continue;
    if (a.map == map && a.rows == rows) return a.number;
    if (a.map != map) others.insert(a.map);
  }
  return others.size() + 1;
}

void AttemptLedger::record(const Attempt& attempt) const {
  if (path_.empty()) return;
  const FileLock lock(path_);
  std::vector<Attempt> attempts = read();
  const bool known = std::any_of(attempts.begin(), attempts.end(), [&](const Attempt& a) {
    return a.data_hash == attempt.data_hash && a.rows == attempt.rows && a.map == attempt.map;
  });
  if (known) return;
  attempts.push_back(attempt);
  Json list = Json::array();
  for (const Attempt& a : attempts) {
    list.push_back({{"data", a.data_hash},
                    {"begin", a.rows.begin},
                    {"count", a.rows.count},
                    {"map", a.map},
                    {"attempt", a.number},
                    {"signed_off", a.signed_off}});
  }
  io::write_file_atomically(path_, Json{{"schema", kSchema}, {"attempts", list}}.dump(1) + "\n");
}

}  // namespace scprec::loop
