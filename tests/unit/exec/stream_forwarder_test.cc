#include <catch2/catch.hpp>

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
