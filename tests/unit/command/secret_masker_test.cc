#include <catch2/catch.hpp>

#include "command/secret_masker.h"

using rb::command::SecretMasker;
namespace expr = rb::expr;

TEST_CASE("a secret is masked in every form the project gives it") {
  SecretMasker m;
  m.add("pa ss'wo\"rd$X");
  // As given, and as the shell renderer quotes it in each context.
  CHECK(m.mask("x pa ss'wo\"rd$X y") == "x *** y");
  CHECK(m.mask("echo 'pa ss'\\''wo\"rd$X'") == "echo ***");        // a bare word: '...'
  CHECK(m.mask("echo \"pa ss'wo\\\"rd\\$X\"") == "echo \"***\"");  // inside "..."
  CHECK(m.mask("echo $'pa ss\\'wo\"rd$X'") == "echo $'***'");      // inside $'...'
  // JSON-escaped (toJSON, the journal).
  CHECK(m.mask(R"({"token":"pa ss'wo\"rd$X"})") == R"({"token":"***"})");
}

TEST_CASE("each line of a multi-line secret is masked on its own too") {
  SecretMasker m;
  m.add("first-line\nsecond-line");
  CHECK(m.mask("first-line\nsecond-line") == "***");
  CHECK(m.mask("  first-line\n  second-line\n") == "  ***\n  ***\n");
  CHECK(m.mask(R"("first-line\nsecond-line")") == R"("***")");
}

TEST_CASE("values are masked in every string, keys included") {
  SecretMasker m;
  m.add("tok");
  expr::Map map{{"a", expr::Value("x-tok")}, {"tok", expr::Value(expr::List{expr::Value("tok")})}};
  expr::Map out = m.mask_map(map);
  CHECK(out.at("a").as_string() == "x-***");
  CHECK(out.at("***").as_list()[0].as_string() == "***");
}

TEST_CASE("streamed text is masked wherever the reads split it") {
  SecretMasker m;
  m.add("first-line\nsecond-line");
  m.add("ab");
  const std::string text = "out: first-line\nsecond-line and ab, then more text\n";
  const std::string expected = "out: *** and ***, then more text\n";
  for (size_t cut1 = 0; cut1 <= text.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= text.size(); cut2 += 3) {
      std::string pending, out;
      pending += text.substr(0, cut1);
      out += m.mask_stream(pending, false);
      pending += text.substr(cut1, cut2 - cut1);
      out += m.mask_stream(pending, false);
      pending += text.substr(cut2);
      out += m.mask_stream(pending, false);
      CHECK(pending.size() < m.longest());
      out += m.mask_stream(pending, true);
      INFO("cut at " << cut1 << ", " << cut2);
      REQUIRE(out == expected);
    }
  }
}

TEST_CASE("what upper(), lower() and reverse() make of a secret is masked too") {
  SecretMasker m;
  m.add("Tok3n-\xc3\xa9x");  // with a two-byte character, reversed whole
  CHECK(m.mask("a TOK3N-\xc3\xa9X b") == "a *** b");
  CHECK(m.mask("a tok3n-\xc3\xa9x b") == "a *** b");
  CHECK(m.mask("a x\xc3\xa9-n3koT b") == "a *** b");
  CHECK(m.mask("a Tok3n b") == "a Tok3n b");  // a part of it is not a form of it
}
