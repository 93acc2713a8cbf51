// Tests of the SHA-256 helpers against the FIPS 180-2 test vectors: a string's digest, and a
// file's, read in pieces, equal to the digest of its bytes.
#include "scprec/io/sha256.hpp"

#include <catch2/catch.hpp>

#include "../temp_dir.hpp"
#include "scprec/core/error.hpp"
#include "scprec/io/files.hpp"

TEST_CASE("io: sha256_hex gives the FIPS 180-2 digests", "[io]") {
  CHECK(scprec::io::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(scprec::io::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("io: file_sha256 is the digest of the file's bytes, however long", "[io]") {
  const scprec::test::TempDir dir("sha256");
  // A million 'a's: the FIPS vector, and longer than one read.
  scprec::io::write_file_atomically(dir.file("a"), std::string(1000000, 'a'));
  CHECK(scprec::io::file_sha256(dir.file("a")) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  scprec::io::write_file_atomically(dir.file("empty"), "");
  CHECK(scprec::io::file_sha256(dir.file("empty")) == scprec::io::sha256_hex(""));
  CHECK_THROWS_AS(scprec::io::file_sha256(dir.file("missing")), scprec::Error);
}
