#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "exec/stream_forwarder.h"

using namespace rb;

namespace {

struct Collect : exec::RunObserver {
  std::string out;
  void step_output(const std::string&, bool, std::string_view chunk) override { out += chunk; }
};

}  // namespace

TEST_CASE("a multi-line secret is masked in command output wherever a read ends") {
  command::SecretMasker masker;
  masker.add("line-one-SECRET\nline-two-SECRET");
  const std::string text = "a\nline-one-SECRET\nline-two-SECRET\nb\n";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Collect c;
    {
      exec::StreamForwarder f("s", c, masker, "");
      f.on_output(command::Stream::kStdout, text.substr(0, cut));
      f.on_output(command::Stream::kStdout, text.substr(cut));
    }
    INFO("read ended at " << cut);
    REQUIRE(c.out == "a\n***\nb\n");
  }
}

TEST_CASE("a step's log file is created with its first byte of output, not before") {
  const std::string log = std::string(RUNBOOK_BINARY_DIR) + "/forwarder-test.log";
  std::remove(log.c_str());
  command::SecretMasker masker;
  Collect c;
  {
    exec::StreamForwarder silent("s", c, masker, log);
    silent.on_output(command::Stream::kStdout, "");
    silent.flush();
  }
  CHECK_FALSE(std::ifstream(log).good());  // a silent step leaves no file
  {
    exec::StreamForwarder talks("s", c, masker, log);
    talks.on_output(command::Stream::kStderr, "hello\n");
  }
  std::ifstream in(log);
  REQUIRE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "hello\n");
  std::remove(log.c_str());
}
