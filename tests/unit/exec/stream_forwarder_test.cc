#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "exec/interrupt.h"
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

TEST_CASE("a step log that cannot be written is a write failure: the run is stopped") {
  exec::reset_interrupt();
  command::SecretMasker masker;
  Collect c;
  {
    exec::StreamForwarder f("s", c, masker, "/dev/full");  // every write fails with ENOSPC
    f.on_output(command::Stream::kStdout, "some output\n");
    f.flush();
  }
  CHECK(c.out == "some output\n");  // the console still shows it
  CHECK(exec::write_failure() == "cannot write the step log '/dev/full': No space left on device");
  CHECK(exec::interrupt_requested());
  exec::reset_interrupt();
  CHECK(exec::write_failure().empty());
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
