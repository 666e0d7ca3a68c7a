// Record codec and at-rest cipher on their own.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "store/at_rest_cipher.h"
#include "store/record_codec.h"
#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;

TEST_CASE("message attributes round-trip through the codec, including binary and unicode") {
  MessageAttributes attributes;
  attributes["b"] = MessageAttribute{"Binary", "", std::string("\x00\xFF\x7F\x80\n", 5)};
  attributes["\xE6\x97\xA5\xE6\x9C\xAC"] = MessageAttribute{"String", "\xF0\x9F\x98\x80 and \x00 nul", ""};
  attributes["n"] = MessageAttribute{"Number.float", "3.14", ""};
  attributes[std::string(300, 'k')] = MessageAttribute{"String", std::string(70000, 'v'), ""};  // multi-byte varints
  std::string encoded = encode_attributes(attributes);
  auto decoded = decode_attributes(encoded);
  REQUIRE(decoded.has_value());
  CHECK(*decoded == attributes);

  CHECK(encode_attributes({}).empty());
  REQUIRE(decode_attributes("").has_value());
  CHECK(decode_attributes("")->empty());
}

TEST_CASE("damaged attribute bytes decode to nullopt, never past the end") {
  MessageAttributes attributes{{"a", MessageAttribute{"String", "value", ""}}};
  std::string encoded = encode_attributes(attributes);
  for (size_t cut = 1; cut < encoded.size(); ++cut) {
    CHECK_FALSE(decode_attributes(encoded.substr(0, cut)).has_value());
  }
  CHECK_FALSE(decode_attributes(encoded + "x").has_value());
  std::string wrong_version = encoded;
  wrong_version[0] = 9;
  CHECK_FALSE(decode_attributes(wrong_version).has_value());
  std::string huge_count = encoded;
  huge_count[1] = 0x7f;  // claims 127 entries in a few bytes
  CHECK_FALSE(decode_attributes(huge_count).has_value());
}

TEST_CASE("string maps round-trip") {
  std::map<std::string, std::string> map{{"", "empty key"}, {"k", ""}, {"\xC3\xA9t\xC3\xA9", "\x01\x02"}};
  auto decoded = decode_string_map(encode_string_map(map));
  REQUIRE(decoded.has_value());
  CHECK(*decoded == map);
  CHECK_FALSE(decode_string_map("\x01\x05").has_value());
}

TEST_CASE("payload join and split") {
  std::string body;
  std::string attributes;
  REQUIRE(split_payload(join_payload("hello \x00 world", "ATTR"), &body, &attributes));
  CHECK(body == "hello ");  // the string_view of a literal stops at the NUL
  std::string with_nul("a\0b", 3);
  REQUIRE(split_payload(join_payload(with_nul, std::string("\x01\x02", 2)), &body, &attributes));
  CHECK(body == with_nul);
  CHECK(attributes == std::string("\x01\x02", 2));
  CHECK_FALSE(
      split_payload("\x05"
                    "ab",
                    &body, &attributes));
}

TEST_CASE("sealed values open only with the same key and associated data") {
  auto cipher = AtRestCipher::from_key(std::string(32, 'k'));
  auto other = AtRestCipher::from_key(std::string(32, 'o'));
  REQUIRE(cipher);
  REQUIRE(other);
  CHECK_FALSE(AtRestCipher::from_key("short"));

  std::string plaintext = "secret message \xE2\x9C\x93";
  std::string sealed = cipher->seal(plaintext, "row-1");
  CHECK(sealed.size() == plaintext.size() + AtRestCipher::kNonceSize + AtRestCipher::kTagSize);
  CHECK(sealed.find("secret") == std::string::npos);
  CHECK(cipher->open(sealed, "row-1") == plaintext);
  CHECK_FALSE(cipher->open(sealed, "row-2").has_value());
  CHECK_FALSE(other->open(sealed, "row-1").has_value());
  std::string tampered = sealed;
  tampered[AtRestCipher::kNonceSize] ^= 1;
  CHECK_FALSE(cipher->open(tampered, "row-1").has_value());
  CHECK_FALSE(cipher->open("short", "row-1").has_value());

  // A fresh nonce per record: sealing twice gives different bytes.
  CHECK(cipher->seal(plaintext, "row-1") != sealed);
  CHECK(cipher->open(cipher->seal("", "r"), "r") == "");
  CHECK(cipher->key_check() != other->key_check());
}

TEST_CASE("key files are created with mode 0600 and read back") {
  testing::TempDir dir;
  std::string path = dir.file("sluice.key");
  bool missing = false;
  std::string error;
  CHECK_FALSE(AtRestCipher::read_key_file(path, &missing, &error));
  CHECK(missing);

  auto created = AtRestCipher::create_key_file(path, &error);
  REQUIRE(created);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);

  auto read = AtRestCipher::read_key_file(path, &missing, &error);
  REQUIRE(read);
  CHECK_FALSE(missing);
  CHECK(read->key_check() == created->key_check());

  testing::write_file(path, "too short");
  CHECK_FALSE(AtRestCipher::read_key_file(path, &missing, &error));
  CHECK_FALSE(missing);
  CHECK(error.find(path) != std::string::npos);
  CHECK(error.find("not a sluice key file") != std::string::npos);
}
